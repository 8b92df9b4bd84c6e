"""Teach mode, pure: which class to show, when to count down, when to take a frame, and
whether a frame adds anything to the ones already taken.

No pygame, no cv2: the game window and `rps collect` both drive it with a clock and do the
recording themselves when ``due()`` says so. Thirty frames of a hand held still teach
less than thirty spread over a recording (8 real webcam rooms, CNN: 78-100%, mean 89%,
from the first frames; 96-99% from spread ones), so while recording a hand the player is
asked to move it (``hint``) and a frame too close to one already taken in the step is
refused (``offer``).

Nothing but the prompted thing goes into a class (``admit``): with a recognizer that finds
hands, a hand step takes only frames with a hand in them and the empty-room step only
frames without one; with one that reads whole frames, a hand step takes frames with a hand
found or that differ from the empty room recorded first. A hand recognizer that finds a
hand in fewer than MIN_FOUND of a step's frames for GIVE_UP seconds gives up the step
(``lost``): the caller can offer a recognizer of whole frames instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rps.types import CLASSES

EMPTY_VIEW = "Step out of view: an empty picture"
PROMPTS = {
    "none": (EMPTY_VIEW,
             "Now a relaxed hand that is NOT throwing"),
    "rock": ("Show ROCK: a fist",),
    "paper": ("Show PAPER: a flat open hand",),
    "scissors": ("Show SCISSORS: two fingers",),
}


HINTS = ("Move it around", "Turn it", "Come closer", "Back off")
HINT_SECONDS = 1.5  # each hint stays this long: time to follow it before the next
STUCK_HINT = "Keep moving: that looks like a frame already taken"
# Near-duplicate bar: RMS difference of two descriptors whose values span about 0..1 (see
# ``distance``). 0.01 is 1% of the frame for landmarks, 1% of full brightness for a grey
# thumbnail: above a hand held still or drifting (landmarks 0.003-0.01, thumbnails
# 0.001-0.006 apart at 5 frames/s on the demo clip), below a hand moved or turned.
MIN_CHANGE = 0.01
PATIENCE = 1.0  # seconds without a new frame after which the next one is taken anyway
# A frame "differs from the empty room" when its thumbnail is this far (``distance``) from
# the empty room's mean one: a hand filling a tenth of the view is 0.05-0.1 away; sensor
# noise and small exposure drift stay under 0.01.
EMPTY_CHANGE = 0.03
GIVE_UP = 5.0  # seconds recording a hand step with no hand in most frames: the step is lost
# "Most": a hand in fewer than this share of the frames. A hand finder that works still
# misses the gaps between throws (the demo clip: about half its frames have no hand, and
# its steps finish); one the room defeats finds next to none.
MIN_FOUND = 0.3
NO_HAND = "No hand found: more light, or come closer"
HAND_IN_EMPTY = "A hand is in view: step out of the picture"
LIKE_EMPTY = "That looks like the empty room: show your hand"


@dataclass(frozen=True)
class Step:
    label: str
    prompt: str
    frames: int
    vary: bool = True  # ask for variety and refuse near-duplicates (not of an empty room)


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Root-mean-square difference of two frame descriptors of the same kind, each scaled
    by the caller to span about 0..1: ``landmark_descriptor`` for the hand recognizer, a
    small grey thumbnail / 255 for the CNN (``rps.modeltools.collect.thumbnail``)."""
    return float(np.sqrt(np.mean((np.ravel(a) - np.ravel(b)) ** 2)))


def landmark_descriptor(landmarks: np.ndarray, frame_wh: tuple[int, int]) -> np.ndarray:
    """A hand's 21 landmark positions over the frame's long side: moving, turning or
    bringing the hand closer all change it; a hand held still does not."""
    return np.asarray(landmarks, np.float32)[:, :2].reshape(-1) / float(max(frame_wh))


def plan(per_class: int, classes: tuple[str, ...] = CLASSES) -> list[Step]:
    """One step per prompt; a class with two prompts splits its frames between them."""
    steps = []
    for c in classes:
        prompts = PROMPTS.get(c, (f"Show {c.upper()}",))
        share = [per_class // len(prompts)] * len(prompts)
        share[-1] += per_class - sum(share)
        steps += [Step(c, p, n, p != EMPTY_VIEW)
                  for p, n in zip(prompts, share, strict=True) if n]
    return steps


class TeachSession:
    """prompt (with a countdown) -> record ``frames`` at ``rate`` per second -> next step.

    Per frame: ``if due(): if offer(descriptor): save it`` (or ``taken_one()`` to take every
    due frame, as before).
    """

    def __init__(self, clock: Callable[[], float], per_class: int = 30, rate: float = 5.0,
                 countdown: float = 3.0, classes: tuple[str, ...] = CLASSES,
                 min_change: float = MIN_CHANGE, patience: float = PATIENCE,
                 need_hand: bool = False):
        self.clock = clock
        self.steps = plan(per_class, classes)
        self.rate = rate
        self.countdown = countdown
        self.index = 0
        self.taken = 0  # frames taken in the current step
        self.total = 0
        self.recording = False
        self.cancelled = False
        self.min_change = min_change
        self.patience = patience
        self.refused = 0  # near-duplicates refused, over the session
        self.need_hand = need_hand  # hand steps take only frames with a hand found
        self.empty: np.ndarray | None = None  # the empty room's mean thumbnail
        self.seen = self.found = 0  # frames looked at while recording this step; with a hand
        self._empties: list[np.ndarray] = []
        self._why = ""  # why the last due frame was refused
        self._kept: list[np.ndarray] = []  # descriptors taken in the current step
        self._stuck = False  # the last offer was refused
        self._t = clock()
        self._last = float("-inf")

    @property
    def done(self) -> bool:
        return self.index >= len(self.steps) or self.cancelled

    @property
    def step(self) -> Step | None:
        return None if self.done else self.steps[self.index]

    @property
    def seconds_left(self) -> float:
        """Of the countdown before recording starts (0 while recording)."""
        return 0.0 if self.recording else max(0.0, self.countdown - (self.clock() - self._t))

    @property
    def progress(self) -> float:
        goal = sum(s.frames for s in self.steps)
        return self.total / goal if goal else 1.0

    def due(self) -> bool:
        """True when a frame should be recorded now (the caller then calls ``taken_one``)."""
        if self.done:
            return False
        now = self.clock()
        if not self.recording:
            if now - self._t < self.countdown:
                return False
            self.recording = True
            self._t = self._last = now  # recording starts: hints and patience count from here
            return True
        return now - self._last >= 1.0 / self.rate

    @property
    def hint(self) -> str:
        """What to do with the hand while recording it (changes every HINT_SECONDS), or a
        nudge after a refused frame; "" during countdowns and for the empty room."""
        step = self.step
        if step is None or not self.recording:
            return ""
        if self._why:
            return self._why
        if not step.vary:
            return ""
        if self._stuck:
            return STUCK_HINT
        return HINTS[int((self.clock() - self._t) / HINT_SECONDS) % len(HINTS)]

    @property
    def lost(self) -> bool:
        """Recording a hand step with a hand recognizer, a hand was found in fewer than
        MIN_FOUND of its frames after GIVE_UP seconds: the room defeats the hand finder."""
        step = self.step
        return (step is not None and step.vary and self.need_hand and self.recording
                and self.clock() - self._t >= GIVE_UP and self.found < MIN_FOUND * self.seen)

    @property
    def found_share(self) -> float:
        """Share of the frames looked at in this step that had a hand."""
        return self.found / self.seen if self.seen else 0.0

    def admit(self, hand: np.ndarray | None, scene: np.ndarray) -> bool:
        """Per new frame: ``hand``, the landmark descriptor of the hand found in it (None:
        none found), and ``scene``, its thumbnail. True: the caller saves the frame."""
        step = self.step
        if step is None:
            return False
        due = self.due()
        if not self.recording:
            return False
        if step.vary:
            self.seen += 1
            self.found += hand is not None
        if not due:
            return False
        self._why = self._refusal(step, hand, scene)
        if self._why:
            return False
        if not step.vary:
            self._empties.append(np.asarray(scene, np.float32))
            self.empty = np.mean(self._empties, axis=0)
        return self.offer(scene if hand is None else hand)

    def _refusal(self, step: Step, hand: np.ndarray | None, scene: np.ndarray) -> str:
        """Why this frame does not belong to the step ("" when it does)."""
        if not step.vary:
            return HAND_IN_EMPTY if hand is not None else ""
        if hand is not None:
            return ""
        if self.need_hand:
            return NO_HAND
        if self.empty is not None and distance(scene, self.empty) <= EMPTY_CHANGE:
            return LIKE_EMPTY
        return ""

    def offer(self, descriptor: np.ndarray) -> bool:
        """Take a due frame only if it adds something: its descriptor is more than
        ``min_change`` (``distance``) from every one of its kind (shape) taken in this step,
        so a caller may offer landmarks when a hand is found, a thumbnail when not. An
        empty-room step
        takes every frame; after ``patience`` seconds without a new one the frame is taken
        anyway, so a player who cannot move still finishes. True: the caller saves it."""
        step = self.step
        if step is None:
            return False
        d = np.asarray(descriptor, np.float32).ravel()
        waited = self.clock() - self._last >= self.patience
        if step.vary and not waited and any(k.shape == d.shape and distance(d, k) <=
                                            self.min_change for k in self._kept):
            self.refused += 1
            self._stuck = True
            return False
        self._kept.append(d)
        self.taken_one()
        return True

    def taken_one(self) -> None:
        """Count a frame as taken (``offer`` does this for the frames it accepts)."""
        self._last = self.clock()
        self._stuck = False
        self.taken += 1
        self.total += 1
        if self.taken >= self.steps[self.index].frames:
            self.index += 1
            self.taken = 0
            self.recording = False
            self._kept = []
            self._t = self.clock()
            self.seen = self.found = 0
            self._why = ""

    def cancel(self) -> None:
        self.cancelled = True
