"""Teach mode, pure: which class to show, when to count down, when to take a frame.

No pygame, no cv2: the game window and `rps collect` both drive it with a clock and do the
recording themselves when ``due()`` says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rps.types import CLASSES

PROMPTS = {
    "none": ("Step out of view: an empty picture",
             "Now a relaxed hand that is NOT throwing"),
    "rock": ("Show ROCK: a fist",),
    "paper": ("Show PAPER: a flat open hand",),
    "scissors": ("Show SCISSORS: two fingers",),
}


@dataclass(frozen=True)
class Step:
    label: str
    prompt: str
    frames: int


def plan(per_class: int, classes: tuple[str, ...] = CLASSES) -> list[Step]:
    """One step per prompt; a class with two prompts splits its frames between them."""
    steps = []
    for c in classes:
        prompts = PROMPTS.get(c, (f"Show {c.upper()}",))
        share = [per_class // len(prompts)] * len(prompts)
        share[-1] += per_class - sum(share)
        steps += [Step(c, p, n) for p, n in zip(prompts, share, strict=True) if n]
    return steps


class TeachSession:
    """prompt (with a countdown) -> record ``frames`` at ``rate`` per second -> next step."""

    def __init__(self, clock: Callable[[], float], per_class: int = 30, rate: float = 5.0,
                 countdown: float = 3.0, classes: tuple[str, ...] = CLASSES):
        self.clock = clock
        self.steps = plan(per_class, classes)
        self.rate = rate
        self.countdown = countdown
        self.index = 0
        self.taken = 0  # frames taken in the current step
        self.total = 0
        self.recording = False
        self.cancelled = False
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
        return now - self._last >= 1.0 / self.rate

    def taken_one(self) -> None:
        self._last = self.clock()
        self.taken += 1
        self.total += 1
        if self.taken >= self.steps[self.index].frames:
            self.index += 1
            self.taken = 0
            self.recording = False
            self._t = self.clock()

    def cancel(self) -> None:
        self.cancelled = True
