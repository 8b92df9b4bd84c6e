"""MediaPipe's palm detector, decoded as MediaPipe does it: SSD anchors, box and keypoint
decoding, sigmoid scores, weighted non-maximum suppression.

The values are those of MediaPipe's palm detection graph for the full model
(palm_detection_cpu.pbtxt: SsdAnchorsCalculator, TensorsToDetectionsCalculator,
NonMaxSuppressionCalculator). The frame is letterboxed to a square with a margin first, so
a hand that fills the frame or is cut by its edge is still seen whole enough to be found.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

SIZE = 192  # the detector's square input
STRIDES = (8, 16, 16, 16)  # 4 layers; layers of equal stride share a grid: 24x24x2 + 12x12x6
MIN_SCORE = 0.5  # min_score_thresh (the solution's min_detection_confidence)
NMS_IOU = 0.3  # min_suppression_threshold, IoU, WEIGHTED
SCORE_CLIP = 100.0


@dataclass(frozen=True, slots=True)
class Palm:
    """One detected palm in frame pixels: box (x0, y0, x1, y1) and 7 keypoints, of which
    0 is the wrist centre and 2 the middle finger's base."""

    score: float
    box: np.ndarray  # (4,)
    keypoints: np.ndarray  # (7, 2)


def ssd_anchors(size: int = SIZE, strides: tuple[int, ...] = STRIDES) -> np.ndarray:
    """Anchor centres (N, 2) in [0, 1], in MediaPipe's order (grid row, column, anchor).
    With fixed_anchor_size every anchor is 1 x 1, so only the centres matter."""
    out = []
    i = 0
    while i < len(strides):
        j = i
        while j < len(strides) and strides[j] == strides[i]:
            j += 1
        per_cell = 2 * (j - i)  # one aspect ratio + one interpolated scale per layer
        fm = int(np.ceil(size / strides[i]))
        ys, xs = np.mgrid[0:fm, 0:fm]
        centres = np.stack([(xs + 0.5) / fm, (ys + 0.5) / fm], -1).reshape(-1, 1, 2)
        out.append(np.repeat(centres, per_cell, axis=1).reshape(-1, 2))
        i = j
    return np.concatenate(out).astype(np.float32)


def decode(raw_boxes: np.ndarray, raw_scores: np.ndarray, anchors: np.ndarray,
           min_score: float = MIN_SCORE, size: int = SIZE
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores (K,), boxes (K, 4: x0, y0, x1, y1) and keypoints (K, 7, 2) in [0, 1] of the
    detector's input, for the anchors scoring at least ``min_score``."""
    scores = 1 / (1 + np.exp(-np.clip(raw_scores.reshape(-1), -SCORE_CLIP, SCORE_CLIP)))
    keep = np.flatnonzero(scores >= min_score)
    r = raw_boxes.reshape(-1, 18)[keep] / size
    a = anchors[keep]
    cx, cy = r[:, 0] + a[:, 0], r[:, 1] + a[:, 1]
    w, h = r[:, 2], r[:, 3]
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], -1)
    kps = r[:, 4:].reshape(-1, 7, 2) + a[:, None, :]
    ok = (w >= 0) & (h >= 0) & np.isfinite(boxes).all(1)
    return scores[keep][ok], boxes[ok], kps[ok]


def iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Intersection over union of one (x0, y0, x1, y1) box with each of ``boxes``."""
    x0 = np.maximum(box[0], boxes[:, 0])
    y0 = np.maximum(box[1], boxes[:, 1])
    x1 = np.minimum(box[2], boxes[:, 2])
    y1 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = area + areas - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def weighted_nms(scores: np.ndarray, boxes: np.ndarray, kps: np.ndarray,
                 threshold: float = NMS_IOU) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """MediaPipe's WEIGHTED suppression: each cluster of boxes overlapping the best one by
    more than ``threshold`` becomes one detection whose box and keypoints are the
    score-weighted means of the cluster, keeping the best score."""
    order = np.argsort(-scores, kind="stable")
    scores, boxes, kps = scores[order], boxes[order], kps[order]
    out = []
    while len(scores):
        members = iou(boxes[0], boxes) > threshold
        members[0] = True
        w = scores[members][:, None]
        box = (boxes[members] * w).sum(0) / w.sum()
        kp = (kps[members] * w[:, :, None]).sum(0) / w.sum()
        out.append((float(scores[0]), box, kp))
        scores, boxes, kps = scores[~members], boxes[~members], kps[~members]
    return out


def letterbox(frame_wh: tuple[int, int], margin: float, size: int = SIZE) -> np.ndarray:
    """The 2x3 affine that maps frame pixels into the detector's square input: the frame
    centred, its long side plus ``margin`` of it on each side fitting ``size``."""
    w, h = frame_wh
    side = max(w, h) * (1 + 2 * margin)
    s = size / side
    return np.array([[s, 0, size / 2 - s * w / 2], [0, s, size / 2 - s * h / 2]], np.float64)


def zoom(box: tuple[float, float, float, float], size: int = SIZE) -> np.ndarray:
    """The 2x3 affine that maps the square around ``box`` (x0, y0, x1, y1; its long side)
    onto the detector's input: one tile of the frame at the detector's full resolution,
    with the frame around it as context (a far hand is then big enough to be found)."""
    x0, y0, x1, y1 = box
    s = size / max(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return np.array([[s, 0, size / 2 - s * cx], [0, s, size / 2 - s * cy]], np.float64)


def tiles(w: int, h: int, n: int = 4) -> list[tuple[float, float, float, float]]:
    """n x n overlapping squares of a third of the frame's long side spanning the frame,
    centre first: where the palm detector looks for a far hand (in a 640 x 480 frame a hand
    40 px wide is then read at 1.5x its size at 192 px; at half the side it was read at 0.6x
    and 17 of 21 far hands were missed)."""
    side = max(w, h) / 3
    out = [(cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)
           for cy in np.linspace(side / 2, max(side / 2, h - side / 2), n)
           for cx in np.linspace(side / 2, max(side / 2, w - side / 2), n)]
    out.sort(key=lambda b: ((b[0] + b[2] - w) ** 2 + (b[1] + b[3] - h) ** 2))
    return out


def detector_input(image: np.ndarray, m: np.ndarray, size: int = SIZE) -> np.ndarray:
    """The letterboxed u8 BGR square (black bars, as MediaPipe pads with zeros)."""
    return cv2.warpAffine(image, m, (size, size), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))


def palms(raw_boxes: np.ndarray, raw_scores: np.ndarray, anchors: np.ndarray, m: np.ndarray,
          min_score: float = MIN_SCORE, size: int = SIZE) -> list[Palm]:
    """Decoded, suppressed palms mapped back to frame pixels, best first."""
    found = weighted_nms(*decode(raw_boxes, raw_scores, anchors, min_score, size))
    inv = cv2.invertAffineTransform(m)

    def back(pts: np.ndarray) -> np.ndarray:
        return pts * size @ inv[:, :2].T + inv[:, 2]

    return [Palm(s, back(b.reshape(2, 2)).reshape(4), back(k)) for s, b, k in found]
