"""A greyscale camera (a cheap or infrared webcam, a camera set to grey) hides the skin
colour both hand models learned from: in grey they still find most open hands, but miss
many fists and V signs seen from the back. A grey frame in which a search of every
candidate found no hand is looked at once more with a skin tone painted back on.

Chosen on fit data only (`benchmarks/hard_conditions.py --fit --per-class 40 --conditions
grey`: real-more's fitted sessions and rps-cv-real hands not held out, on rooms, made grey).
Tinting only where the frame as it is shows no hand: rock 111 -> 117 of 120, paper
196 -> 198 of 200, scissors 146 -> 156 of 160, empty scenes (41) and non-throw hands (156
of 159) unchanged. Tinting every grey frame instead read rock 119, but paper 193 and
non-throw hands 154.
"""

from __future__ import annotations

import numpy as np

SKIN = np.array([0.62, 0.78, 1.0], np.float32)  # B, G, R of a skin tone, of the grey level
GREY = 2.0  # spread of B - G plus that of R - G under which a frame is grey


def is_grey(image: np.ndarray) -> bool:
    """The frame has no colour: B - G and R - G hardly vary (a constant offset is a tint,
    as a video writer or a monochrome sensor's white balance leaves; every 4th pixel is
    enough to tell)."""
    if image.ndim < 3:
        return True
    s = image[::4, ::4].astype(np.int16)
    return float(np.std(s[..., 0] - s[..., 1]) + np.std(s[..., 2] - s[..., 1])) < GREY


def tinted(image: np.ndarray) -> np.ndarray:
    """The grey frame (its green channel) in a skin tone, as a BGR frame."""
    g = image[..., 1] if image.ndim == 3 else image
    return (g[..., None].astype(np.float32) * SKIN).astype(np.uint8)
