"""What the landmark model read in one ROI, and which readings are the same hand (the
tracker's bookkeeping, kept apart from its loop)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rps.recognizers.hand.palm import iou
from rps.recognizers.hand.roi import Roi, roi_from_landmarks

SAME_HAND_IOU = 0.5  # AssociationNormRectCalculator's min_similarity_threshold
SETTLE = 0.8  # IoU of the ROI a hand was read in and the one its landmarks give: below, it moved


@dataclass(frozen=True, slots=True)
class Reading:
    """What the landmark model read in one ROI: 21 landmarks in frame pixels (x, y, depth),
    its hand flag, and the score that the hand is a left one in a mirrored view."""

    landmarks: np.ndarray
    presence: float
    left_score: float
    roi: Roi

    @property
    def handedness(self) -> str:
        """The player's own hand: the model scores a mirrored (selfie) view, so a "left"
        there is the player's right in an unmirrored camera frame."""
        return "Right" if self.left_score > 0.5 else "Left"


def associate(palm_rois: list[Roi], tracked: list[Roi]) -> list[Roi]:
    """One ROI per hand: a tracked ROI replaces any palm ROI it overlaps (IoU > 0.5)."""
    out: list[Roi] = []
    for r in palm_rois + tracked:
        if out:
            overlap = iou(r.box(), np.stack([x.box() for x in out]))
            out = [x for x, o in zip(out, overlap, strict=True) if o <= SAME_HAND_IOU]
        out.append(r)
    return out


def read_in(hand: Reading, rois: list[Roi]) -> bool:
    """The hand was read in one of these very ROIs."""
    return any(hand.roi is r for r in rois)


def has_moved(hand: Reading) -> bool:
    """The hand moved away from the ROI it was read in (a stale ROI reads a shifted pose)."""
    return iou(hand.roi.box(), roi_from_landmarks(hand.landmarks).box()[None])[0] < SETTLE


def new_hands(hands: list[Reading], others: list[Reading]) -> list[Reading]:
    """``others`` that are not one of ``hands``."""
    return [o for o in others if unread(hands, [roi_from_landmarks(o.landmarks)])]


def unread(hands: list[Reading], rois: list[Roi]) -> list[Roi]:
    """The ROIs that overlap none of the hands already read."""
    if not hands:
        return rois
    have = np.stack([roi_from_landmarks(h.landmarks).box() for h in hands])
    return [r for r in rois if iou(r.box(), have).max() <= SAME_HAND_IOU]


def _holds(reading: Reading, other: Reading) -> bool:
    """The reading's landmark box holds the other's landmark centre."""
    c, lm = other.landmarks[:, :2].mean(0), reading.landmarks[:, :2]
    return bool((lm.min(0) <= c).all() and (c <= lm.max(0)).all())


def whole_of(hand: Reading, hands: list[Reading], wide: list[Reading], larger: float
             ) -> Reading:
    """The likeliest of ``wide`` at least ``larger`` times the hand's size that holds its
    centre (the whole hand, where ``hand`` read a part of it), else the hand. One that
    holds another of ``hands`` too is two hands, not a whole one."""
    size = np.ptp(hand.landmarks[:, :2], 0).max()
    around = [x for x in wide if np.ptp(x.landmarks[:, :2], 0).max() >= larger * size and
              _holds(x, hand) and not any(_holds(x, o) for o in hands if o is not hand)]
    return max(around, key=lambda x: x.presence) if around else hand


def averaged(first: Reading, reads: list[Reading], gate: float) -> Reading:
    """The reads flagged above ``gate`` as one hand: their mean landmarks, and the flag and
    handedness of the likeliest; on the first read's ROI. ``first`` if none is flagged."""
    sure = [r for r in reads if r.presence > gate]
    if not sure:
        return first
    best = max(sure, key=lambda r: r.presence)
    lm = sure[0].landmarks if len(sure) == 1 else np.mean([r.landmarks for r in sure], 0)
    return Reading(lm, best.presence, best.left_score, reads[0].roi)
