"""Network-ready samples from the CGI data: training scenes, fixed test sets, calibration.

Shared by training, INT8 calibration, evaluation and personalization, so every one of them
feeds the network exactly as the engine does: a 4:3 frame squashed to 224 x 224, RGB,
scaled to [-1, 1].
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from rps.errors import RpsError
from rps.modeltools import synth
from rps.modeltools.dataset import Sample
from rps.types import CLASSES

SIZE = 224
CANVAS = (224, 298)  # 4:3, like a webcam frame before the engine's resize
Hand = tuple[np.ndarray, np.ndarray, int]  # image, alpha mask, class index


def to_input(bgr: np.ndarray) -> np.ndarray:
    """A BGR frame -> the network's input: squashed to 224, RGB, scaled to [-1, 1].
    The same steps the engine bakes into the IR with PrePostProcessor."""
    rgb = cv2.cvtColor(cv2.resize(bgr, (SIZE, SIZE), interpolation=cv2.INTER_LINEAR),
                       cv2.COLOR_BGR2RGB)
    return rgb.astype(np.float32) / 127.5 - 1.0


def load_hands(samples: Sequence[Sample]) -> list[Hand]:
    """Images with their hand masks and class index, loaded once."""
    out = []
    for s in tqdm(samples, desc="cutting out hands", leave=False, disable=None):
        img = cv2.imread(str(s.path), cv2.IMREAD_COLOR)
        if img is None:
            raise RpsError(f"cannot read image {s.path}")
        out.append((img, synth.hand_mask(img), CLASSES.index(s.label)))
    return out


def load_real_hands(samples: Sequence[Sample]) -> list[Hand]:
    """Real hands on green (rps-cv): keyed out, and turned a quarter so that, like the CGI
    renders, the fingers point up and the arm leaves at the bottom."""
    out = []
    for s in tqdm(samples, desc="keying out real hands", leave=False, disable=None):
        img = cv2.imread(str(s.path), cv2.IMREAD_COLOR)
        if img is None:
            raise RpsError(f"cannot read image {s.path}")
        hand, alpha = synth.green_mask(cv2.rotate(img, cv2.ROTATE_90_CLOCKWISE))
        out.append((hand, alpha, CLASSES.index(s.label)))
    return out


def render(hand: Hand | None, rng: np.random.Generator, hands: Sequence[Hand],
           photos: Sequence[np.ndarray] = (), plain_p: float = 0.1, photo_p: float = 0.3
           ) -> np.ndarray:
    """One scene (BGR, 4:3). ``hand`` None draws a ``none`` view; ``plain_p`` of the time a
    gesture is the original render; ``photo_p`` of backgrounds come from ``photos``."""
    h, w = CANVAS
    if hand is None:
        return synth.none_scene(rng, h, w, [(a, m) for a, m, _ in hands], photos, photo_p)
    img, mask, _ = hand
    if rng.random() < plain_p:  # the original render, lightly distorted
        return synth.webcam_look(cv2.resize(img, (w, h)), rng)
    return synth.gesture_scene(img, mask, rng, h, w, photos, photo_p)


def make_set(hands: Sequence[Hand], n_none: int, rng: np.random.Generator,
             photos: Sequence[np.ndarray] = (), plain_p: float = 0.1, photo_p: float = 0.3
             ) -> tuple[np.ndarray, np.ndarray]:
    """A fixed composited set (validation / test), as network inputs and labels."""
    xs, ys = [], []
    for item in [*hands, *([None] * n_none)]:
        xs.append(to_input(render(item, rng, hands, photos, plain_p, photo_p)))
        ys.append(0 if item is None else item[2])
    return np.stack(xs), np.array(ys)


# Grey textures and photos that ship inside scikit-image (its data README gives their
# public-domain / CC0 sources). The colour photos are held out for evaluation (see
# rps.modeltools.evaluate.UNSEEN_PHOTOS) and never used here.
TRAINING_PHOTOS = ("brick.png", "grass.png", "gravel.png", "camera.png", "coins.png",
                   "moon.png", "page.png", "text.png", "clock_motion.png")


def training_photos() -> list[np.ndarray]:
    """Real-image backgrounds for training, if scikit-image is installed (else none)."""
    try:
        import skimage
    except ImportError:
        return []
    folder = Path(skimage.__file__).parent / "data"
    photos = [cv2.imread(str(folder / n), cv2.IMREAD_GRAYSCALE) for n in TRAINING_PHOTOS]
    return [p for p in photos if p is not None]
