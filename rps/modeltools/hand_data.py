"""Landmark training data for the gesture classifier: hands read from labelled image
folders with the shipped palm + landmark stages, augmented in 3-D, and `none` poses made by
recombining real fingers.

A throw is told by the four long fingers (index, middle, ring, pinky): rock folds all,
paper extends all, scissors extends index and middle. The thumb varies between players in
every throw, so it is left to chance. Any other pattern of the four (one finger, three,
index + pinky, ...) is not a throw: such hands are built from a real hand's palm with each
finger taken, relative to its base, from a real folded (rock) or extended (paper) finger.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import openvino as ov
from tqdm import tqdm

from rps.errors import RpsError
from rps.modeltools.dataset import Sample, scan
from rps.modeltools.degrade import spoil
from rps.recognizers.hand.features import FINGERS, batch, canonical
from rps.recognizers.hand.recognizer import load_hand
from rps.types import CLASSES

THROWS = {"rock": (0, 0, 0, 0), "paper": (1, 1, 1, 1), "scissors": (1, 1, 0, 0)}
NOT_THROWS = [(a, b, c, d) for a in (0, 1) for b in (0, 1) for c in (0, 1) for d in (0, 1)
              if (a, b, c, d) not in THROWS.values()]


@dataclass
class HandSet:
    """Landmarks (N, 21, 3) read from labelled images, with their class and image."""

    landmarks: np.ndarray
    labels: np.ndarray  # index into CLASSES
    paths: list[str]
    missed: int  # images where no hand was found


READER = "search-3-deblock-whole-settled-tinted"  # what cached readings depend on besides files


def read_folder(root: Path, cache: Path | None = None, device: str = "CPU",
                spoiled: bool = False) -> HandSet:
    """Every image's most confident hand, read as the game reads a still image; with
    ``spoiled`` from a randomly spoiled copy of each image (``degrade.spoil``, seeded by
    its name). Cached by folder listing, stage models and READER, since reading thousands
    of images takes minutes."""
    samples = scan(root)
    hand = load_hand(track=False)
    stamps = [f"{p}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in
              [s.path for s in samples] + [f.root / "metadata.json"  # each file's sha256
                                           for f in (hand.palm, hand.landmarks, hand.jpeg)
                                           if f is not None]]
    key = hashlib.sha256("\n".join([READER, str(spoiled), *stamps]).encode())
    npz = cache / f"{root.name}-{key.hexdigest()[:12]}.npz" if cache else None
    if npz is not None and npz.is_file():
        d = np.load(npz)  # labels from today's scan: a corrected label needs no re-reading
        label = {str(s.path): CLASSES.index(s.label) for s in samples}
        paths = [str(x) for x in d["paths"]]
        return HandSet(d["landmarks"], np.array([label[x] for x in paths]), paths,
                       int(d["missed"]))
    stages = hand.stages(ov.Core(), device)
    lms, labels, paths, missed = [], [], [], 0
    for s in tqdm(samples, desc=f"landmarks {root.name}", unit="img", leave=False):
        hands = _read(stages, s, spoiled)
        if not hands:
            missed += 1
            continue
        lms.append(hands[0].landmarks.astype(np.float32))
        labels.append(CLASSES.index(s.label))
        paths.append(str(s.path))
    if not lms:
        raise RpsError(f"no hand found in any image under {root}")
    out = HandSet(np.stack(lms), np.array(labels), paths, missed)
    if npz is not None:
        npz.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(npz, landmarks=out.landmarks, labels=out.labels,
                            paths=np.array(paths), missed=missed)
    return out


def _read(stages, sample: Sample, spoiled: bool = False):
    img = cv2.imread(str(sample.path))
    if img is not None and spoiled:
        img = spoil(img, np.random.default_rng(zlib.crc32(sample.path.name.encode())))
    return stages(img) if img is not None else []


def recombine(base: np.ndarray, folded: np.ndarray, extended: np.ndarray,
              pattern: tuple[int, int, int, int], thumb_extended: bool) -> np.ndarray:
    """A hand with ``base``'s palm and each finger from ``folded`` or ``extended``, taken
    relative to its base joint, all in the canonical hand frame (same handedness)."""
    out = canonical(base)
    donors = [canonical(folded), canonical(extended)]
    for finger, ext in zip(FINGERS, (int(thumb_extended), *pattern), strict=True):
        d = donors[ext]
        root = finger[0]
        out[list(finger[1:])] = out[root] + d[list(finger[1:])] - d[root]
    return out


def rotate3d(lm: np.ndarray, rng: np.random.Generator, max_deg: float = 35.0) -> np.ndarray:
    """Turn the hand out of the image plane (a webcam sees hands from many angles)."""
    ax, ay = np.radians(rng.uniform(-max_deg, max_deg, 2))
    rx = np.array([[1, 0, 0], [0, np.cos(ax), -np.sin(ax)], [0, np.sin(ax), np.cos(ax)]])
    ry = np.array([[np.cos(ay), 0, np.sin(ay)], [0, 1, 0], [-np.sin(ay), 0, np.cos(ay)]])
    return canonical(lm) @ (ry @ rx).T


def none_poses(hands: HandSet, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` hands in a pose that is no throw, recombined from real fingers."""
    rock = [lm for lm, y in zip(hands.landmarks, hands.labels, strict=True)
            if CLASSES[y] == "rock"]
    paper = [lm for lm, y in zip(hands.landmarks, hands.labels, strict=True)
             if CLASSES[y] == "paper"]
    if not rock or not paper:
        raise RpsError("making `none` poses needs rock and paper hands to take fingers from")
    out = []
    for _ in range(n):
        base = (rock + paper)[rng.integers(len(rock) + len(paper))]
        pattern = NOT_THROWS[rng.integers(len(NOT_THROWS))]
        out.append(recombine(base, rock[rng.integers(len(rock))],
                             paper[rng.integers(len(paper))], pattern, bool(rng.integers(2))))
    return np.stack(out)


def training_features(hands: HandSet, copies: int, n_none: int, seed: int = 0
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Features of the real hands and ``copies`` turned, jittered copies of each, plus
    recombined `none` poses treated the same way."""
    rng = np.random.default_rng(seed)
    nones = none_poses(hands, n_none, rng)
    lms = np.concatenate([hands.landmarks, nones])
    ys = np.concatenate([hands.labels, np.full(len(nones), CLASSES.index("none"))])
    xs, yy = [batch(list(lms))], [ys]
    for _ in range(copies):
        moved = [rotate3d(lm, rng) + rng.normal(0, 0.02, lm.shape) for lm in lms]
        xs.append(batch(moved))
        yy.append(ys)
    return np.concatenate(xs), np.concatenate(yy)
