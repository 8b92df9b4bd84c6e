"""MediaPipe's hand tracking loop: the next frame's ROI comes from this frame's landmarks,
and palm detection runs again only while fewer hands are tracked than asked for.

Kept free of OpenVINO: it is given the detector and the landmark reader as callables, so
the loop is tested on its own and the recognizer decides how the models run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rps.recognizers.hand.palm import Palm, iou
from rps.recognizers.hand.roi import Roi, roi_from_landmarks, roi_from_palm

PRESENCE = 0.5  # the landmark model's hand flag (the solution's min_tracking_confidence)
SAME_HAND_IOU = 0.5  # AssociationNormRectCalculator's min_similarity_threshold


@dataclass(frozen=True, slots=True)
class Reading:
    """What the landmark model read in one ROI: 21 landmarks in frame pixels (x, y, depth),
    its hand flag, and the score that the hand is a left one in a mirrored view."""

    landmarks: np.ndarray
    presence: float
    left_score: float
    roi: Roi


def associate(palm_rois: list[Roi], tracked: list[Roi]) -> list[Roi]:
    """One ROI per hand: a tracked ROI replaces any palm ROI it overlaps (IoU > 0.5)."""
    out: list[Roi] = []
    for r in palm_rois + tracked:
        if out:
            overlap = iou(r.box(), np.stack([x.box() for x in out]))
            out = [x for x, o in zip(out, overlap, strict=True) if o <= SAME_HAND_IOU]
        out.append(r)
    return out


class HandTracker:
    """Reads up to ``max_hands`` hands per frame, reusing last frame's ROIs when it can."""

    def __init__(self, detect: Callable[[np.ndarray], list[Palm]],
                 read: Callable[[np.ndarray, list[Roi]], list[Reading]], max_hands: int = 1,
                 presence: float = PRESENCE, track: bool = True):
        self.detect = detect
        self.read = read
        self.max_hands = max_hands
        self.presence = presence
        self.track = track
        self.tracked: list[Roi] = []
        self.palm_ran = False  # on the last frame

    def reset(self) -> None:
        self.tracked = []

    def __call__(self, image: np.ndarray) -> list[Reading]:
        rois = list(self.tracked) if self.track else []
        self.palm_ran = len(rois) < self.max_hands
        if self.palm_ran:
            found = [roi_from_palm(p.box, p.keypoints) for p in self.detect(image)]
            rois = associate(found[:self.max_hands], rois)
        hands = [r for r in self.read(image, rois) if r.presence > self.presence] if rois else []
        hands.sort(key=lambda r: -r.presence)
        hands = hands[:self.max_hands]
        self.tracked = associate([], [roi_from_landmarks(r.landmarks) for r in hands])
        return hands
