"""Real frames per source, a fixed number per class, for measuring and fitting: the held-out
sessions of real-more with rps-real-dev (measured, never fitted), or the sessions fitted
to; rps-cv-real hands composited onto generated rooms, and empty rooms.
"""

from __future__ import annotations

import cv2
import numpy as np

from rps.inference.modelfiles import SHARED
from rps.modeltools import synth
from rps.modeltools.dataset import held_out_real, held_out_session, scan
from rps.modeltools.eval_folder import natural

DATA = SHARED / "data"
MORE = ("subhih-webcam", "epsrc-fingers", "far-emrecandir9", "sign-digits")
THROWS = ("rock", "paper", "scissors")

Frames = dict[str, list[tuple[str, str, np.ndarray]]]


def spread(items: list, n: int) -> list:
    """``n`` items spread evenly over the list (deterministic)."""
    return items if len(items) <= n else [items[int(i)] for i in
                                          np.linspace(0, len(items) - 1, n)]


def real_frames(per_class: int, seed: int = 0, fit: bool = False,
                more: tuple[str, ...] = MORE) -> Frames:
    """Per source: (class, key, BGR frame) in natural order, ``per_class`` a class. ``fit``:
    the sessions and rps-cv hands the classifier is fitted to instead (no rps-real-dev)."""
    out: Frames = {}

    def add(name: str, samples: list) -> None:
        rows = []
        for c in ("none", *THROWS):
            for s in spread(natural([s for s in samples if s.label == c]), per_class):
                rows.append((c, str(s.path), cv2.imread(str(s.path))))
        out[name] = rows

    if not fit:
        add("rps-real-dev", scan(DATA / "rps-real-dev"))
    for name in more:
        add(name, [s for s in scan(DATA / "real-more" / name)
                   if held_out_session(s.path) != fit])
    rng = np.random.default_rng(seed)
    real = [s for s in scan(DATA / "rps-cv-real") if held_out_real(s.path) != fit]
    rows = []
    for c in THROWS:
        for s in spread([s for s in real if s.label == c], per_class):
            hand, alpha = synth.green_mask(cv2.rotate(cv2.imread(str(s.path)),
                                                      cv2.ROTATE_90_CLOCKWISE))
            bg = np.clip(synth.room(rng, 480, 640), 0, 255).astype(np.uint8)
            rows.append((c, f"{s.path}|composite", synth.place_hand(bg, hand, alpha, rng)))
    for i in range(per_class):  # empty generated rooms
        bg = np.clip(synth.room(rng, 480, 640), 0, 255).astype(np.uint8)
        rows.append(("none", f"room{i}", synth.webcam_look(bg, rng)))
    out["rps-cv-real-composites"] = rows
    return out
