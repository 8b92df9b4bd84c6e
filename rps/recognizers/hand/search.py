"""The search for the hands MediaPipe's palm detector misses (a fist filling the frame, a dim
grey camera, a far hand): the landmark model itself is asked, its hand flag being a strong
hand / no-hand test.

Candidate ROIs, the likelier first: weak palm detections, palms found in zoomed tiles of the
frame (``palm.tiles``: a far hand is then big enough for the detector), where the last hand
was, then the whole frame and a coarse grid (``roi.search_rois``). A candidate is a hand when
its flag is above ``CONFIRM``; it is then re-read on the ROI its own landmarks give, so it
is upright and centred before it is classified. A square that holds a hand off-centre or cut
flags it lower. In a grey frame (a grey camera's V signs, which the palm detector misses
and no square centres) the likeliest ``REFINE_TOP`` candidates above ``PRESENCE`` (one per
place) are re-read on their own landmarks' ROIs up to ``REFINE`` times, as tracking would on
the next frames, and one that passes ``CONFIRM`` is taken, then re-read upright as above. In
colour, and in grey when none passes, the likeliest reading is kept if ``vouch`` (a second
opinion: ``second``) says it is a hand (in colour the likeliest doubt is re-read once for
it). Chosen on fit data only: see ``REFINE``.

Everywhere (a still, a new view, a hand just lost) reads every candidate; a quiet stream
reads one tile or ``per_frame`` squares in rotation (in real time on one frame in
``quiet_every``), so a quiet room costs little.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rps.recognizers.hand.grey import is_grey
from rps.recognizers.hand.palm import Palm, tiles
from rps.recognizers.hand.readings import Reading, unread
from rps.recognizers.hand.roi import Roi, roi_from_landmarks, roi_from_palm, search_rois

PRESENCE = 0.5  # the landmark model's hand flag (the solution's min_tracking_confidence)
CONFIRM = 0.9  # the flag a searched candidate must pass: empty crops score ~0, hands 0.97+
PER_FRAME = 3  # search candidates read per frame of a stream with no hand in view
# In a grey frame doubted candidates are re-read on their own landmarks' ROIs: the likeliest
# REFINE_TOP (one per place), up to REFINE times, and one passing CONFIRM is taken. Chosen on
# fit data (`benchmarks/hard_conditions.py --fit --per-class 40`, stills): grey scissors
# 156 -> 157 of 160, the rest of grey as it was. In colour frames it read 7 more fit throws
# (dim, far, JPEG) but lifts faces past CONFIRM too: on rps-real-dev (measured, never fitted)
# 4 faces beside an arm were read as throws (none 98.4 -> 97.2%), so there the likeliest
# doubt is re-read once and left to the second opinion, as before. In grey frames that
# opinion's CNN, which learnt colour, reads these V signs as rock or paper.
REFINE = 3
REFINE_TOP = 3


class Search:
    """Reads candidate ROIs with the landmark model (``read``), palms in tiles with the
    detector (``detect``); counts the candidates it read (``searched``)."""

    def __init__(self, detect: Callable[..., list[Palm]],
                 read: Callable[[np.ndarray, list[Roi]], list[Reading]], max_hands: int,
                 presence: float = PRESENCE, per_frame: int = PER_FRAME, quiet_every: int = 1,
                 vouch: Callable[[np.ndarray, Reading], bool] | None = None):
        self.detect = detect
        self.read = read
        self.max_hands = max_hands
        self.presence = presence
        self.per_frame = per_frame
        self.quiet_every = quiet_every
        self.vouch = vouch  # a second opinion on a candidate flagged below CONFIRM
        self.searched = 0  # candidates read (the tracker zeroes it each frame)
        self._quiet = 0  # quiet frames
        self._turn = 0  # the next candidate in rotation
        self._doubts: list[Reading] = []  # this search's candidates flagged below CONFIRM

    def __call__(self, image: np.ndarray, hands: list[Reading], weak: list[Roi],
                 last: list[Roi], everywhere: bool) -> list[Reading]:
        """Hands besides ``hands`` among the weak palms, ``last`` (where hands were) and
        the frame's candidates: every one, or the quiet rotation's next."""
        h, w = image.shape[:2]
        grid, zoomed = search_rois(w, h), tiles(w, h)
        picks, looks = (grid, zoomed) if everywhere else self._next(grid, zoomed)
        palms = [roi_from_palm(p.box, p.keypoints) for t in looks for p in self.detect(image, t)]
        out, self._doubts = [], []
        for tier in (weak + palms + last, picks):  # the likelier places first
            out += self._confirm(image, hands + out, unread(hands + out, tier))
            if len(hands) + len(out) >= self.max_hands:
                break
        return self._upright(image, out) if out else self._doubted(image, hands)

    def _upright(self, image: np.ndarray, found: list[Reading]) -> list[Reading]:
        """The hands re-read on the ROIs their own landmarks give, where that confirms them:
        upright and centred before they are classified."""
        again = self.read(image, [roi_from_landmarks(r.landmarks) for r in found])
        return [b if b.presence >= CONFIRM else a for a, b in zip(found, again, strict=True)]

    def _next(self, grid: list[Roi], zoomed: list) -> tuple[list[Roi], list]:
        """A quiet frame's share (in real time only one in ``quiet_every`` has one): odd
        turns one tile for the palm detector, even turns ``per_frame`` squares."""
        self._quiet += 1
        on = self._quiet % self.quiet_every == 0
        self._turn += on
        k = self._turn // 2
        picks = [] if self._turn % 2 or not on else \
            [grid[(k * self.per_frame + i) % len(grid)] for i in range(self.per_frame)]
        looks = [zoomed[k % len(zoomed)]] if self._turn % 2 and on else []
        return picks, looks

    def _confirm(self, image: np.ndarray, hands: list[Reading], candidates: list[Roi]
                 ) -> list[Reading]:
        """The candidates whose reading has the hand flag, one hand per place, best first."""
        self.searched += len(candidates)
        read = self.read(image, candidates) if candidates else []
        self._doubts += [r for r in read if self.presence < r.presence <= CONFIRM]
        return per_place(hands, [r for r in read if r.presence > CONFIRM],
                         self.max_hands - len(hands))

    def _doubted(self, image: np.ndarray, hands: list[Reading]) -> list[Reading]:
        """In a grey frame the likeliest doubted candidates (one per place) re-read on their
        own landmarks' ROIs until one passes ``CONFIRM`` (``REFINE``); in colour, with a
        second opinion, the likeliest once. Failing that, the likelier of the doubt and its
        re-reads if it is still where no hand is and the second opinion vouches for it."""
        if not self._doubts:
            return []
        grey = is_grey(image)
        if not (grey or self.vouch):
            return []
        doubts = per_place(hands, self._doubts, REFINE_TOP if grey else 1)
        seen = list(doubts)
        for _ in range(REFINE if grey else 1):
            if not doubts:
                break
            doubts = self.read(image, [roi_from_landmarks(d.landmarks) for d in doubts])
            seen += doubts
            sure = per_place(hands, [d for d in doubts if d.presence > CONFIRM],
                             self.max_hands - len(hands)) if grey else []
            if sure:
                return self._upright(image, sure)
            doubts = per_place(hands, [d for d in doubts if d.presence > self.presence],
                               REFINE_TOP)
        if self.vouch is None or not seen:
            return []
        best = max(seen, key=lambda r: r.presence)
        fits = unread(hands, [roi_from_landmarks(best.landmarks)])
        return [best] if fits and self.vouch(image, best) else []


def per_place(hands: list[Reading], readings: list[Reading], limit: int) -> list[Reading]:
    """Up to ``limit`` of the readings, the likeliest first, one per place and none where
    one of ``hands`` is."""
    out: list[Reading] = []
    for r in sorted(readings, key=lambda r: -r.presence):
        if len(out) < limit and unread(hands + out, [roi_from_landmarks(r.landmarks)]):
            out.append(r)
    return out
