"""Hand regions of interest as MediaPipe computes them: a rotated square around the hand,
from a palm detection or from the previous frame's landmarks, and the affine maps between
the frame and the landmark model's crop.

Values from MediaPipe's palm_detection_detection_to_roi.pbtxt (rotation wrist -> middle
finger base, scale 2.6, shift -0.5) and hand_landmark_landmarks_to_roi.pbtxt (landmarks
0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18; scale 2.0, shift -0.1). Everything is in frame
pixels, where MediaPipe's normalized formulas reduce to the same thing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

PALM_SCALE, PALM_SHIFT = 2.6, -0.5
TRACK_SCALE, TRACK_SHIFT = 2.0, -0.1
TRACK_POINTS = (0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18)


@dataclass(frozen=True, slots=True)
class Roi:
    """A square of side ``size`` pixels centred at (cx, cy), rotated by ``angle`` radians so
    that the hand points up in the crop."""

    cx: float
    cy: float
    size: float
    angle: float

    def box(self) -> np.ndarray:
        """Axis-aligned (x0, y0, x1, y1) of the unrotated square (for association)."""
        h = self.size / 2
        return np.array([self.cx - h, self.cy - h, self.cx + h, self.cy + h])


def rotation(p0: np.ndarray, p1: np.ndarray) -> float:
    """The angle that turns the vector p0 -> p1 to point up (MediaPipe's target 90 deg)."""
    a = math.pi / 2 - math.atan2(-(p1[1] - p0[1]), p1[0] - p0[0])
    return a - 2 * math.pi * math.floor((a + math.pi) / (2 * math.pi))


def transform(cx: float, cy: float, w: float, h: float, angle: float, scale: float,
              shift_y: float) -> Roi:
    """MediaPipe's RectTransformation: shift along the hand's axis, square on the long
    side, scale."""
    c, s = math.cos(angle), math.sin(angle)
    cx, cy = cx - h * shift_y * s, cy + h * shift_y * c
    return Roi(cx, cy, max(w, h) * scale, angle)


def roi_from_palm(box: np.ndarray, keypoints: np.ndarray) -> Roi:
    angle = rotation(keypoints[0], keypoints[2])
    return transform((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, box[2] - box[0],
                     box[3] - box[1], angle, PALM_SCALE, PALM_SHIFT)


def roi_from_landmarks(landmarks: np.ndarray) -> Roi:
    """The next frame's ROI from this frame's landmarks (frame pixels, 21 x 2 or 3)."""
    lm = landmarks[:, :2]
    tip = ((lm[5] + lm[13]) / 2 + lm[9]) / 2
    angle = rotation(lm[0], tip)
    pts = lm[list(TRACK_POINTS)]
    centre = (pts.min(0) + pts.max(0)) / 2
    c, s = math.cos(angle), math.sin(angle)
    unrot = (pts - centre) @ np.array([[c, -s], [s, c]])  # rotate by -angle
    lo, hi = unrot.min(0), unrot.max(0)
    mid = (lo + hi) / 2
    cx = c * mid[0] - s * mid[1] + centre[0]
    cy = s * mid[0] + c * mid[1] + centre[1]
    w, h = hi - lo
    return transform(cx, cy, w, h, angle, TRACK_SCALE, TRACK_SHIFT)


# Whole-frame search squares, of the frame's long side. A fist that fills the frame needs
# the frame zoomed out (1.6, 1.3: the landmark model expects a hand about 1/2.6 of its
# crop); measured on dim and grey close-ups the single pass missed: 1.6 found 32 of 44.
WHOLE = (1.6, 1.3, 1.0, 0.7)
GRID = 0.45  # grid search squares, of the short side; they overlap by half


def search_rois(w: int, h: int) -> list[Roi]:
    """Upright squares where a hand the palm detector missed may be: the whole frame at
    four sizes (a close-up that fills or leaves it), then a coarse grid of overlapping squares
    about twice a far hand's size, centre first."""
    side = GRID * min(w, h)
    grid = []
    for cy in np.linspace(side / 2, h - side / 2, max(2, math.ceil((h - side) / (side / 2)) + 1)):
        for cx in np.linspace(side / 2, w - side / 2,
                              max(2, math.ceil((w - side) / (side / 2)) + 1)):
            grid.append(Roi(float(cx), float(cy), side, 0.0))
    grid.sort(key=lambda r: (r.cx - w / 2) ** 2 + (r.cy - h / 2) ** 2)
    return whole_rois(w, h) + grid


def whole_rois(w: int, h: int) -> list[Roi]:
    """The whole frame as upright squares of ``WHOLE`` times its long side."""
    return [Roi(w / 2, h / 2, k * max(w, h), 0.0) for k in WHOLE]


def crop_to_frame(roi: Roi, out: int) -> np.ndarray:
    """2x3 affine from crop pixels (0..out) to frame pixels."""
    c, s = math.cos(roi.angle), math.sin(roi.angle)
    k = roi.size / out
    return np.array([[c * k, -s * k, roi.cx - roi.size / 2 * (c - s)],
                     [s * k, c * k, roi.cy - roi.size / 2 * (s + c)]], np.float64)


def crop(image: np.ndarray, roi: Roi, out: int) -> np.ndarray:
    """The rotated square as the landmark model sees it (edges replicated, as MediaPipe)."""
    return cv2.warpAffine(image, crop_to_frame(roi, out), (out, out),
                          flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE)


DEPTH_SCALE = 0.4  # TensorsToLandmarks' normalize_z: depth then has about x's scale


def project(points: np.ndarray, roi: Roi, out: int) -> np.ndarray:
    """The landmark model's 21 x 3 output (crop pixels) to frame pixels, depth included
    (relative to the wrist, on about the same scale as x)."""
    m = crop_to_frame(roi, out)
    xy = points[:, :2] @ m[:, :2].T + m[:, 2]
    depth = points[:, 2:3] / DEPTH_SCALE * roi.size / out
    return np.concatenate([xy, depth], axis=1)
