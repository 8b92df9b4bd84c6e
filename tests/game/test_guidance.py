"""Guidance for a hand the recognizer cannot read well, on an injected clock."""

import numpy as np

from rps.game.guidance import BACK, CLOSER, INTO, SHOW, Guide, advice
from rps.types import CLASSES, Hand, Prediction
from tests.fakes import FakeClock

HW = (480, 640)


def hand(cx: float, cy: float, span: float) -> Hand:
    """21 landmarks spread over a ``span``-pixel square around (cx, cy)."""
    grid = np.linspace(-0.5, 0.5, 21)
    pts = np.stack([cx + grid * span, cy + grid[::-1] * span, np.zeros(21)], axis=1)
    return Hand(pts, (cx - span / 2, cy - span / 2, cx + span / 2, cy + span / 2), "Right",
                0.99, np.array([0.0, 1.0, 0.0, 0.0]))


def pred(t: float, *hands: Hand) -> Prediction:
    return Prediction(0, t, t, np.eye(4)[1 if hands else 0], CLASSES, 1.0, "CPU", "FP16",
                      hands=hands)


def test_advice_for_one_hand():
    assert advice(hand(320, 240, 200), HW) == ""  # well inside, big enough
    assert advice(hand(320, 240, 40), HW) == CLOSER  # 40 px of a 480 px side
    assert advice(hand(600, 240, 150), HW) == INTO  # cut by the right edge
    assert advice(hand(320, 100, 400), HW) == BACK  # a close-up cut by the top


def test_no_hand_for_a_second_asks_for_one_and_a_hand_clears_it():
    clock = FakeClock()
    guide = Guide(clock)
    for _ in range(9):  # 0.9 s without a hand: not yet
        clock.t += 0.1
        guide.feed(pred(clock.t), HW)
    assert guide.message == ""
    clock.t += 0.15
    guide.feed(pred(clock.t), HW)
    assert guide.message == SHOW
    clock.t += 0.1
    guide.feed(pred(clock.t, hand(320, 240, 200)), HW)
    assert guide.message == ""


def test_a_problem_shows_only_once_it_lasts_and_one_good_hand_is_enough():
    clock = FakeClock()
    guide = Guide(clock)
    guide.feed(pred(clock.t, hand(600, 240, 150)), HW)
    assert guide.message == ""  # a passing moment: no flicker
    clock.t += 0.35
    guide.feed(pred(clock.t, hand(600, 240, 150)), HW)
    assert guide.message == INTO
    guide.feed(pred(clock.t, hand(600, 240, 150), hand(300, 240, 200)), HW)
    assert guide.message == ""
