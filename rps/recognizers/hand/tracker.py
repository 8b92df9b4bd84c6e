"""MediaPipe's hand tracking loop, plus a search for the hands its palm detector misses.

The next frame's ROI comes from this frame's landmarks, and palm detection runs only while
fewer hands are tracked than asked for, or when a tracked hand is lost or flagged at most
``CONFIRM`` (then in the same frame, so tracking never loses a hand that detection alone
would find: a stale ROI can keep a hand's flag yet read its pose worse; in real time a
doubted flag on one frame in ``QUIET_EVERY``). A new view (``view``:
a cut, a jump) is read as a still would be, and the tracked ROIs only if that finds no hand.
In real time an empty view unchanged since palm detection last found nothing in it is
detected again on one frame in ``QUIET_EVERY``.

When the palm detector finds nothing (a fist filling the frame, a dim grey camera, a far
hand), candidate ROIs are read by the landmark model and a hand is accepted on its own hand
flag (``search``), then tracked as usual.
Until a sure palm overlaps it, such a hand is provisional (a face can pass the flag): palm
detection keeps running (in real time on one frame in ``QUIET_EVERY``), so a real hand that
comes in is read, and the better flag wins.

A still image tries every candidate. So does a stream on a frame whose view changed (in
real time at most once in ``COOLDOWN`` frames) and, read offline (``realtime=False``,
`rps eval --stream`), on the ``FULL`` frames after it last saw a hand: a hand that moved
fast or just came in is found as a still would find it. A still and a new view (in real
time at most once in ``COOLDOWN`` frames) also read the whole frame's squares: a palm found
on a part of a hand (a V sign's knuckles, read as a fist at a high flag) gives way to the
whole hand around it (``_whole``).
Otherwise a stream tries where the hand was (for ``LINGER`` frames; in real time on every
other frame, which halves what a lost hand costs on top of palm detection), then the search's
quiet rotation (in real time on one frame in ``QUIET_EVERY``), so a quiet room costs little.

Heavy JPEG is smoothed (``deblock``) and read by a landmark model distilled on it (``stages``);
with ``_whole`` its hands are re-read on their own landmarks' ROI (``_settle``). A grey frame in
which a search of every candidate found no hand is searched again in a skin tone (``grey``).

Kept free of OpenVINO: it is given the detector and the landmark reader as callables, so
the loop is tested on its own and the recognizer decides how the models run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from rps.recognizers.hand.deblock import Deblock
from rps.recognizers.hand.grey import is_grey, tinted
from rps.recognizers.hand.palm import MIN_SCORE, Palm, iou
from rps.recognizers.hand.readings import (
    SAME_HAND_IOU,
    Reading,
    associate,
    averaged,
    has_moved,
    new_hands,
    read_in,
    unread,
    whole_of,
)
from rps.recognizers.hand.roi import Roi, roi_from_landmarks, roi_from_palm, whole_rois
from rps.recognizers.hand.search import CONFIRM, PER_FRAME, PRESENCE, Search
from rps.recognizers.hand.view import ViewWatch

LINGER = 15  # frames after the last hand during which a stream searches where it was
FULL = 2  # frames after the last hand during which a stream searches everywhere (offline)
COOLDOWN = 60  # frames between full searches of new views in real time (a busy room: 2 s)
QUIET_EVERY = 6  # in real time a quiet view is searched on one frame in this many
LINGER_EVERY = 2  # in real time where a hand was lost is read on one frame in this many
WHOLE_HAND = 1.5  # a hand this much larger around one read is the whole of it (``_whole``)
DEBLOCK_EVERY = 7  # in real time one frame in 7 is measured for blockiness (0.24 ms)
JPEG_SIZES = (1.0, 0.9, 1.1)  # a hand in heavy JPEG is read again on these sizes of its ROI


class HandTracker:
    """Reads up to ``max_hands`` hands per frame, reusing last frame's ROIs when it can."""

    def __init__(self, detect: Callable[..., list[Palm]],
                 read: Callable[[np.ndarray, list[Roi]], list[Reading]], max_hands: int = 1,
                 presence: float = PRESENCE, track: bool = True, search: bool = True,
                 per_frame: int = PER_FRAME, realtime: bool = True,
                 vouch: Callable[[np.ndarray, Reading], bool] | None = None):
        self.detect = detect
        self.read = read
        self.max_hands = max_hands
        self.presence = presence
        self.track = track
        self.search = search
        self.cooldown = COOLDOWN if realtime else 0  # frames between full searches of new views
        self.quiet_every = QUIET_EVERY if realtime else 1
        self.searcher = Search(detect, read, max_hands, presence, per_frame, self.quiet_every,
                               vouch)  # the hands the palm detector misses
        self.linger_every = LINGER_EVERY if realtime else 1
        self.deblock = Deblock(DEBLOCK_EVERY if track and realtime else 1)
        self.full = 0 if realtime else FULL  # frames after a loss searched everywhere
        self._since_full = self._since_whole = COOLDOWN  # frames since those searches
        self.tracked: list[Roi] = []
        self.palm_ran = False  # on the last frame
        self._last: list[Roi] = []  # where the hands were when last seen
        self._since_hand = LINGER  # frames since a hand was last seen
        self.view = ViewWatch(bool(self.cooldown), self.quiet_every)  # new or unchanged views
        self._provisional = False  # a tracked hand was found by the search alone
        self._checks = 0  # frames, for rechecking a provisional hand every few
        self._fresh = False  # this frame is a new view
        self._everywhere = False  # this frame's search read every candidate

    def __call__(self, image: np.ndarray) -> list[Reading]:
        image = self.deblock(image)  # heavy JPEG smoothed (``deblock``); others as they are
        # A new view is read as a still, the tracked squares only if that finds no hand:
        # last frame's square can fit a hand in the new view badly, yet keep its flag.
        self._fresh = self.track and self.view.changed(image)
        self._checks += 1
        self._since_whole += 1  # a still, or a new view (in real time once in COOLDOWN)
        # In real time an empty view unchanged since palm detection last found nothing in it
        # is detected on one frame in ``QUIET_EVERY`` (a lost hand is still read where it was).
        idle = self.view.idle_empty(self.track and bool(self.tracked) and not self._fresh)
        self._everywhere, self.searcher.searched = False, 0  # set by the search
        hands, trusted = self._find(image, idle)
        if not hands and self._everywhere and is_grey(image):  # skin tones put back (``grey``)
            hands, trusted = self._find(tinted(image), idle, again=True)
        hands.sort(key=lambda r: -r.presence)
        hands = hands[:self.max_hands]
        self._provisional = not all(read_in(h, trusted) for h in hands)
        self.tracked = associate([], [roi_from_landmarks(r.landmarks) for r in hands])
        if hands:
            self._last, self._since_hand = [h.roi for h in hands], 0
        else:
            self._since_hand += 1
        if hands or self.palm_ran:
            self.view.saw(bool(hands))
        return hands

    def _find(self, image: np.ndarray, idle: bool, again: bool = False
              ) -> tuple[list[Reading], list[Roi]]:
        """The hands in the frame, and the ROIs of those a palm vouched for (``again``: a
        second look at the frame, searched everywhere as the first was)."""
        rois = list(self.tracked) if self.track else []
        trusted = [] if self._provisional else list(rois)
        held, rois = (rois, []) if self._fresh else ([], rois)
        # A hand only the search found (no sure palm yet) may be a face or a fold of cloth:
        # palm detection keeps running (in real time every few frames), so a real hand
        # that comes in is read, and the better hand flag wins.
        recheck = bool(rois) and self._provisional and self._checks % self.quiet_every == 0
        self.palm_ran = (len(rois) < self.max_hands or recheck) and not idle
        weak: list[Roi] = []
        if self.palm_ran:
            rois, weak = self._palms(image, rois, trusted)
        read = self._keep(self.read(image, rois), self.presence) if rois else []
        # A tracked hand flagged at most CONFIRM is re-detected as a lost one is (in real time
        # on one frame in QUIET_EVERY): a stale ROI can keep a hand's flag yet read it worse
        # than the palm's ROI. It stays a rival, so a palm elsewhere wins on its flag only.
        doubt = not self.palm_ran and self._checks % self.quiet_every == 0  # no palm: tracked
        hands, moved = [], []
        for h in read:
            (moved if has_moved(h) or (doubt and h.presence <= CONFIRM) else hands).append(h)
        rival = any(h.presence <= CONFIRM for h in moved) and doubt
        if len(hands) < self.max_hands and not self.palm_ran and not idle:  # lost or moved
            self.palm_ran = True
            found, weak = self._palms(image, [], trusted)
            found = unread(hands, found)
            hands += self._keep(self.read(image, found), self.presence) if found else []
        moved = new_hands(hands, moved)
        if moved and (len(hands) < self.max_hands or recheck or rival):  # missed, or a rival
            hands += self._settle(image, moved, trusted)
        if len(hands) < self.max_hands and self.search:
            hands += self._search(image, hands, weak, again)
        if hands and (not self.track or (self._fresh and self._since_whole > self.cooldown)):
            self._since_whole, hands = 0, self._whole(image, hands, trusted)
            if self.deblock.blocky:  # heavy JPEG: read again around its own landmarks
                hands = self._settle(image, hands, trusted, JPEG_SIZES)
        held = unread(hands, held) if len(hands) < self.max_hands else []
        if held:  # a square can still hold a hand that moved out of it: read it once only
            hands += new_hands(hands, self._keep(self.read(image, held), self.presence))
        return hands, trusted

    def _palms(self, image: np.ndarray, tracked: list[Roi], trusted: list[Roi]
               ) -> tuple[list[Roi], list[Roi]]:
        """ROIs of the sure palms (associated with the tracked ones) and of the weak ones;
        the sure palms, and the tracked ROIs they overlap, are added to ``trusted``."""
        palms = self.detect(image)
        sure = [roi_from_palm(p.box, p.keypoints) for p in palms if p.score >= MIN_SCORE]
        weak = [roi_from_palm(p.box, p.keypoints) for p in palms if p.score < MIN_SCORE]
        sure = sure[:self.max_hands]
        trusted += sure + [t for t in tracked if sure and iou(
            t.box(), np.stack([r.box() for r in sure])).max() > SAME_HAND_IOU]
        return associate(sure, tracked), weak

    def _settle(self, image: np.ndarray, hands: list[Reading], trusted: list[Roi],
                sizes: tuple[float, ...] = (1.0,)) -> list[Reading]:
        """Each hand read again on the ROI its own landmarks give, at these ``sizes`` of it
        (``readings.averaged``), and trusted as before. After a move the ROI it was read
        in is stale; in heavy JPEG the first reading is noisy and ones centred on it agree."""
        rois = [roi_from_landmarks(h.landmarks) for h in hands]
        again = self.read(image, [replace(r, size=k * r.size) for r in rois for k in sizes])
        out = []
        for i, a in enumerate(hands):
            b = averaged(a, again[i * len(sizes):(i + 1) * len(sizes)], self.presence)
            out += new_hands(out, [b])  # two readings can settle on one hand
            if b is not a and read_in(a, trusted):
                trusted.append(b.roi)
        return out

    def _keep(self, readings: list[Reading], gate: float) -> list[Reading]:
        return [r for r in readings if r.presence > gate]

    def _search(self, image: np.ndarray, hands: list[Reading], weak: list[Roi], again: bool
                ) -> list[Reading]:
        """Hands the palm detector missed (``search``): everywhere on a still, a new view or
        just after a loss; else where the hand was (for ``LINGER`` frames) and the quiet
        rotation."""
        self._since_full += not again
        # In real time a new view with a hand still tracked gets the bounded search: its
        # tracked square comes next, and a full search would stall the frame.
        fresh = again or (self._fresh and self._since_full > self.cooldown and not (
            self.cooldown and self.tracked))
        around = [Roi(r.cx, r.cy, r.size * 1.5, 0.0) for r in self._last] if self.track \
            else []  # where the hands were, enlarged
        if self.track and self._since_hand >= self.full and not fresh:  # quiet: a few
            last = around if self._since_hand < LINGER and \
                self._since_hand % self.linger_every == 0 else []
            return self.searcher(image, hands, weak, last, everywhere=False)
        self._since_full, self._everywhere = 0, True
        return self.searcher(image, hands, weak, around, everywhere=True)

    def _whole(self, image: np.ndarray, hands: list[Reading], trusted: list[Roi]
               ) -> list[Reading]:
        """A reading can be part of a hand at a high flag (the knuckles of a V sign read as a
        fist): the whole frame's squares are read too, and a hand ``WHOLE_HAND`` times as
        large or more around one read (flag above ``CONFIRM``) is taken instead, re-read on
        its own landmarks' ROI (kept only if that confirms it) and trusted as the part was."""
        h, w = image.shape[:2]
        wide = self._keep(self.read(image, whole_rois(w, h)), CONFIRM)
        parts = [(r, whole_of(r, hands, wide, WHOLE_HAND)) for r in hands]
        parts = [(r, x) for r, x in parts if x is not r]
        if not parts:
            return hands
        again = self.read(image, [roi_from_landmarks(x.landmarks) for _, x in parts])
        whole = {id(r): b for (r, _), b in zip(parts, again, strict=True) if b.presence > CONFIRM}
        out: list[Reading] = []
        for r in hands:
            b = whole.get(id(r), r)
            if b is not r and read_in(r, trusted):  # a palm vouched for its part
                trusted.append(b.roi)
            out += new_hands(out, [b])  # one hand per place
        return out
