"""Labelled image folders: class names with their synonyms, render groups, and the split.

A dataset is a folder with one sub-folder per class. Folder names are matched
case-insensitively with the usual synonyms, so a Teachable Machine or Kaggle layout works
as it is. Near-duplicate images share a render group (``rock03-117.jpg`` is in ``rock03``);
the split is made by group so the test score does not leak.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from rps.capture import IMAGE_SUFFIXES
from rps.errors import RpsError
from rps.types import CLASSES

SYNONYMS: dict[str, set[str]] = {
    "none": {"none", "nothing", "background", "empty", "blank", "nohand", "no_hand", "neutral"},
    "rock": {"rock", "stone", "fist"},
    "paper": {"paper", "palm", "open", "flat", "hand"},
    "scissors": {"scissors", "scissor", "victory", "peace"},
}


def canonical_class(name: str) -> str | None:
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    return next((c for c, names in SYNONYMS.items() if key in names), None)


@dataclass(frozen=True)
class Sample:
    path: Path
    label: str
    group: str


def render_group(path: Path) -> str:
    """``rock03-117_png.jpg`` -> ``rock03``; files with no group prefix share their folder's."""
    stem = path.stem
    return stem.split("-")[0] if "-" in stem else f"{path.parent.name}-all"


def scan(root: Path) -> list[Sample]:
    """Every image under ``root``'s class folders; unknown folders are an error, not ignored."""
    if not root.is_dir():
        raise RpsError(f"no data folder at {root}")
    samples: list[Sample] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        label = canonical_class(folder.name)
        if label is None:
            raise RpsError(f"{folder}: unknown class folder; use one of {', '.join(CLASSES)}")
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        samples += [Sample(p, corrected(p, label), render_group(p)) for p in files]
    if not samples:
        raise RpsError(f"no images in class folders under {root} (expected {root}/rock/*.jpg ...)")
    return samples


# EPSRC's "two" folder counts fingers, not throws: in Set2 the index-and-pinky "horns" sign
# is a two, but no game reads it as scissors. These frames (found by which fingers the
# landmarks show extended, then checked by eye) are none, as other non-throw poses are.
EPSRC_HORNS = frozenset(f"Set2_two_{n}.jpg" for n in (
    2, 4, 13, 17, 18, 26, 30, 32, 34, 36, 40, 43, 44, 46, 48, 58, 63, 68, 71, 75, 85, 89, 93,
    94, 98, 99, 108, 109, 113, 114, 119, 121, 122, 129, 131, 132, 133, 134, 136, 139, 140,
    141, 142, 144, 145, 149, 153, 157, 158, 173, 174, 176, 177, 178, 180))


# SubhiH files two frames of a four-finger hand (thumb folded across the palm) under "5", its
# paper; its own "4f" files the same pose, 210 times, as four fingers: not a throw. Found by
# the thumb tip's distance from the palm centre (0.18 and 0.20 hand lengths; every other
# paper frame 0.51 or more, every 4f frame 0.41 or less), then checked by eye.
SUBHIH_FOUR = frozenset({"5_pic00009_427_76.jpg", "5_pic00010_482_53.jpg"})
FIXES = {("epsrc-fingers", "scissors"): EPSRC_HORNS, ("subhih-webcam", "paper"): SUBHIH_FOUR}


def corrected(path: Path, label: str) -> str:
    """A shared set's label where it names a pose that is not the throw (``FIXES``)."""
    if path.name in FIXES.get((path.parent.parent.name, label), ()):
        return "none"
    return label


def held_out_real(path: Path) -> bool:
    """Real-hand sets have no render groups: one image in seven, by a hash of its file
    name, is held out (the same ones for the CNN, the hand classifier and the reports)."""
    return zlib.crc32(path.name.encode()) % 7 == 0


SUBHIH_HELD_OUT = {"3_1528505750.77", "5"}  # two sessions with every class in them


def held_out_session(path: Path) -> bool:
    """The real-more sets (``../shared/data/real-more/<set>/<class>/``): whole sessions are
    held out of every fit so the numbers reported on them are honest. SubhiH: two session
    stamps; EPSRC: ``Set2``; sign digits: photos IMG_5500 and later (about 25 of the 218
    students, whose photos are numbered together); far-emrecandir9 names no session, so one
    frame in five by a hash of its name (frames of a few videos: the weakest hold-out)."""
    source, name = path.parent.parent.name, path.name
    if source == "subhih-webcam":
        stamp = re.sub(r"^[134]f_", "", name).split("_pic")[0]
        return stamp in SUBHIH_HELD_OUT
    if source == "epsrc-fingers":
        return name.startswith("Set2")
    if source == "sign-digits":
        digits = re.search(r"IMG_(\d+)", name)
        return bool(digits) and int(digits.group(1)) >= 5500
    if source == "far-emrecandir9":
        return zlib.crc32(name.encode()) % 5 == 0
    return held_out_real(path)


def split_by_group(samples: list[Sample]) -> dict[str, list[Sample]]:
    """Per class, in group-name order: the last group is test, the one before validation,
    the rest train. A class with fewer than three groups goes to train whole."""
    out: dict[str, list[Sample]] = {"train": [], "val": [], "test": []}
    for label in CLASSES:
        groups = sorted({s.group for s in samples if s.label == label})
        roles = {g: "train" for g in groups}
        if len(groups) >= 3:
            roles[groups[-1]], roles[groups[-2]] = "test", "val"
        for s in samples:
            if s.label == label:
                out[roles[s.group]].append(s)
    return out
