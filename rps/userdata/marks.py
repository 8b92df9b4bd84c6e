"""The markers that say rps made a recording or a personal model folder, and the checks
that keep `rps collect --clear`, `rps personalize` and teach mode from deleting or
replacing anything rps did not make.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from rps.errors import RpsError, check_output
from rps.types import CLASSES, PRECISIONS
from rps.userdata.files import write_text

RECORDING_MARKER = ".rps-recording"  # in each folder rps records frames into
PERSONAL_MARKER = ".rps-personal"  # in each personal model folder rps writes
PERSONAL_NAMES = {"FP32", "FP16", "INT8", "labels.txt", "metadata.json", "anchors.npz",
                  PERSONAL_MARKER}  # all a personal model folder holds
_FRAME = re.compile(r"^\d{19}\.jpg$")  # <time in ns>.jpg, as Recorder names a frame


def _listing(root: Path) -> tuple[list[Path], list[Path]]:
    """The frames rps recorded in ``root`` (``<class>/<time>.jpg``) and everything else
    in it but the marker (what a clear keeps)."""
    ours: list[Path] = []
    other: list[Path] = []
    for entry in sorted(root.iterdir()):
        if entry.name == RECORDING_MARKER:
            continue
        if entry.name not in CLASSES or entry.is_symlink() or not entry.is_dir():
            other.append(entry)
            continue
        for f in sorted(entry.iterdir()):
            mine = _FRAME.match(f.name) and f.is_file() and not f.is_symlink()
            (ours if mine else other).append(f)
    return ours, other


def is_recording(root: Path) -> bool:
    """``root`` is a folder rps recorded into: its marker, or (recorded before markers)
    frames named as rps names them and nothing else."""
    if (root / RECORDING_MARKER).is_file():
        return True
    ours, other = _listing(root)
    return bool(ours) and not other


def mark_recording(root: Path) -> None:
    """Claim ``root`` for recording when it is new, empty or already rps's; a folder with
    other files in it is recorded into but never claimed (so never cleared)."""
    if root.is_dir() and any(root.iterdir()) and not is_recording(root):
        return
    write_text(root / RECORDING_MARKER, "Frames recorded by rps (rps collect, teach mode). "
               "`rps collect --clear` deletes the frames it recorded here, nothing else.\n")


def recorded_frames(root: Path) -> list[Path]:
    """The frames `rps collect --clear` would delete; RpsError when ``root`` is not a
    recording rps made."""
    if not root.exists():
        return []
    if not root.is_dir() or not is_recording(root):
        raise RpsError(f"{root} is not a recording made by rps collect (no {RECORDING_MARKER} "
                       "marker): nothing in it is deleted")
    return _listing(root)[0]


def clear_recording(root: Path) -> tuple[int, int]:
    """Delete the frames rps recorded in ``root``, then the class folders and ``root``
    itself once empty. Returns (frames deleted, other files kept)."""
    frames = recorded_frames(root)
    for f in frames:
        f.unlink()
    other = _listing(root)[1] if root.is_dir() else []
    for folder in {f.parent for f in frames}:
        if not any(folder.iterdir()):
            folder.rmdir()
    if root.is_dir() and not other:
        (root / RECORDING_MARKER).unlink(missing_ok=True)
        if not any(root.iterdir()):
            root.rmdir()
    return len(frames), len(other)


def check_model_out(out: Path) -> None:
    """Refuse a `rps convert --out` that holds files but is no model folder (no
    metadata.json, no ``<precision>/model.xml``): its labels.txt or metadata.json would be
    written over. A model folder is converted into again, its other files kept."""
    if not out.is_dir() or not any(out.iterdir()):
        return
    if (out / "metadata.json").is_file() or any((out / p / "model.xml").is_file()
                                                for p in PRECISIONS):
        return
    raise RpsError(f"{out} holds files and is not a model folder: choose a new or empty --out")


def _personalized(folder: Path) -> bool:
    """A personal model written before markers existed: its metadata says so."""
    try:
        return "personalized_from" in json.loads((folder / "metadata.json").read_text())
    except (OSError, ValueError, TypeError):
        return False


def check_personal_out(out: Path, data: Path | None = None) -> None:
    """Refuse an ``out`` whose replacement would lose the user's files: the recording
    ``data`` or a folder inside it, or a folder holding anything but a personal model rps
    wrote (its marker, or an older one's metadata, and only the names it writes)."""
    if data is not None:
        d, o = data.expanduser().resolve(), out.expanduser().resolve()
        if o == d or d in o.parents:
            raise RpsError(f"--out {out} is inside the recording --data {data}: writing the "
                           "model there would replace your frames; choose another --out")
    check_output(out, folder=True)
    names = {p.name for p in out.iterdir()} if out.is_dir() else set()
    if not names:
        return
    foreign = sorted(names - PERSONAL_NAMES)
    if foreign or not (PERSONAL_MARKER in names or _personalized(out)):
        what = (", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")) if foreign \
            else f"no {PERSONAL_MARKER} marker"
        raise RpsError(f"{out} is not a personal model written by rps (it holds {what}); "
                       "it would be replaced whole: choose a new or empty --out")
