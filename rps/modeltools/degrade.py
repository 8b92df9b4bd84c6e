"""How a cheap or badly lit webcam spoils a frame: greyscale, dim with sensor noise, low
contrast, motion blur, heavy JPEG. The hard-conditions benchmark measures each at a fixed
strength; training reads landmarks from randomly spoiled copies of its own images, so the
classifier learns the landmark model's noisier readings of such frames.
"""

from __future__ import annotations

import cv2
import numpy as np

Rng = np.random.Generator


def grey(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)


def dim(img: np.ndarray, rng: Rng, ev: float = -1.5) -> np.ndarray:
    """``ev`` stops in linear light, then shot and read noise as a small sensor adds them."""
    lin = (img.astype(np.float32) / 255) ** 2.2 * 2.0 ** ev
    lin += rng.normal(0, 1, lin.shape).astype(np.float32) * np.sqrt(lin * 0.002 + 0.0001)
    return (np.clip(lin, 0, 1) ** (1 / 2.2) * 255).astype(np.uint8)


def low_contrast(img: np.ndarray, k: float = 0.35) -> np.ndarray:
    f = img.astype(np.float32)
    return np.clip(f.mean() + (f - f.mean()) * k, 0, 255).astype(np.uint8)


def motion_blur(img: np.ndarray, rng: Rng, share: float = 0.03) -> np.ndarray:
    """A straight smear ``share`` of the frame's long side long, at a random angle."""
    n = max(5, int(share * max(img.shape[:2])) | 1)
    k = np.zeros((n, n), np.float32)
    k[n // 2] = 1.0
    k = cv2.warpAffine(k, cv2.getRotationMatrix2D((n / 2 - 0.5, n / 2 - 0.5),
                                                  rng.uniform(0, 180), 1.0), (n, n))
    return cv2.filter2D(img, -1, k / k.sum())


def jpeg(img: np.ndarray, quality: int = 8) -> np.ndarray:
    return cv2.imdecode(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])[1], 1)


def spoil(img: np.ndarray, rng: Rng) -> np.ndarray:
    """One random spoiling at a random strength (for training; milder and stronger than the
    benchmark's fixed ones), sometimes two."""
    steps = [lambda x: grey(x), lambda x: dim(x, rng, rng.uniform(-2.0, -0.7)),
             lambda x: low_contrast(x, rng.uniform(0.25, 0.6)),
             lambda x: motion_blur(x, rng, rng.uniform(0.01, 0.04)),
             lambda x: jpeg(x, int(rng.integers(6, 30)))]
    for i in rng.choice(len(steps), size=1 + int(rng.random() < 0.3), replace=False):
        img = steps[int(i)](img)
    return img
