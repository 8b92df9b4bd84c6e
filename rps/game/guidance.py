"""What to tell a player whose hand the recognizer cannot read well: no hand, a hand cut by
the frame's edge, a hand too small to read.

Pure: fed Predictions (with the hands the hand recognizer found) and the frame size, timed
by an injected clock. The window shows ``message`` while a round waits for a throw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rps.types import Hand, Prediction

SHOW = "Show your hand"
CLOSER = "Come closer: your hand is small"
BACK = "Move back: your hand is cut by the edge"
INTO = "Move into the frame: your hand is cut by the edge"


@dataclass(frozen=True)
class GuideRules:
    no_hand: float = 1.0  # seconds without a hand before asking for one
    edge: float = 0.01  # a landmark this close to the edge (share of the side) is cut
    small: float = 0.15  # hand span under this share of the frame's short side: too small
    big: float = 0.5  # a cut hand spanning more than this share is a close-up: move back
    hold: float = 0.3  # seconds a problem must last to be shown (no flicker)


def advice(hand: Hand, frame_hw: tuple[int, int], rules: GuideRules = GuideRules()) -> str:
    """The one thing to fix about a single hand, or "" when it reads well."""
    h, w = frame_hw
    xy = hand.landmarks[:, :2]
    span = float(np.max(xy.max(0) - xy.min(0))) / min(h, w)
    mx, my = rules.edge * w, rules.edge * h
    cut = bool((xy[:, 0] < mx).any() or (xy[:, 0] > w - mx).any()
               or (xy[:, 1] < my).any() or (xy[:, 1] > h - my).any())
    if cut:
        return BACK if span > rules.big else INTO
    return CLOSER if span < rules.small else ""


class Guide:
    """Turns a stream of predictions into one steady line of advice."""

    def __init__(self, clock: Callable[[], float], rules: GuideRules = GuideRules()):
        self.clock = clock
        self.rules = rules
        self._last_hand = clock()
        self._problem = ""
        self._since = clock()

    def feed(self, p: Prediction, frame_hw: tuple[int, int]) -> None:
        now = self.clock()
        if p.hands:
            self._last_hand = now
            problem = min((advice(hand, frame_hw, self.rules) for hand in p.hands),
                          key=lambda s: s != "")  # one hand that reads well is enough
        else:
            problem = SHOW if now - self._last_hand >= self.rules.no_hand else self._problem
        if problem != self._problem:
            self._problem, self._since = problem, now

    @property
    def message(self) -> str:
        """The advice once it has held a moment (no hand: after ``no_hand`` seconds)."""
        if self._problem == SHOW or self.clock() - self._since >= self.rules.hold:
            return self._problem
        return ""

    def reset(self) -> None:
        self._last_hand = self._since = self.clock()
        self._problem = ""
