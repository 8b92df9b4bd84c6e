"""Teach mode's session, pure: the plan, the countdown and rate, the near-duplicate check
and the hints, on a clock the test moves."""

import numpy as np
import pytest

from rps.game.teach import (
    EMPTY_CHANGE,
    GIVE_UP,
    HAND_IN_EMPTY,
    HINT_SECONDS,
    HINTS,
    LIKE_EMPTY,
    NO_HAND,
    STUCK_HINT,
    TeachSession,
    distance,
    plan,
)
from tests.fakes import FakeClock


def test_plan_splits_none_between_empty_view_and_relaxed_hand():
    steps = plan(30)
    assert [s.label for s in steps] == ["none", "none", "rock", "paper", "scissors"]
    assert sum(s.frames for s in steps if s.label == "none") == 30
    assert "NOT throwing" in steps[1].prompt


def test_session_counts_down_then_records_at_its_rate():
    clock = FakeClock(0.0)
    t = TeachSession(clock, per_class=2, rate=5.0, countdown=3.0, classes=("rock", "paper"))
    assert not t.due() and t.seconds_left == 3.0
    clock.t = 3.0
    assert t.due()
    t.taken_one()
    clock.t = 3.1
    assert not t.due()  # 5 per second: not yet
    clock.t = 3.25
    assert t.due()
    t.taken_one()
    assert t.step.label == "paper" and t.seconds_left == pytest.approx(3.0 - 0.0)
    clock.t = 6.3
    t.due()
    t.taken_one()
    clock.t = 6.6
    t.due()
    t.taken_one()
    assert t.done and t.progress == 1.0


def _recording_session(clock, **kw):
    """A session past its countdown, recording rock (a hand: variety asked for)."""
    t = TeachSession(clock, per_class=kw.pop("per_class", 4), rate=5.0, countdown=0.0,
                     classes=kw.pop("classes", ("rock",)), **kw)
    assert t.due() and t.recording
    return t


def test_a_frame_like_one_already_taken_is_refused_until_the_hand_moves():
    clock = FakeClock(0.0)
    t = _recording_session(clock)
    hand = np.full(42, 0.5, np.float32)
    assert t.offer(hand) and t.taken == 1
    clock.t += 0.2
    assert t.due() and not t.offer(hand + 0.005)  # held still: within MIN_CHANGE
    assert t.taken == 1 and t.refused == 1 and t.hint == STUCK_HINT
    assert t.due()  # a refused frame leaves the next one due at once
    clock.t += 0.05
    assert t.offer(hand + 0.03) and t.taken == 2  # moved 3% of the frame
    assert t.hint in HINTS
    clock.t += 0.2
    assert not t.offer(hand + 0.001)  # still like the FIRST frame: refused too


def test_a_player_who_does_not_move_still_finishes():
    clock = FakeClock(0.0)
    t = _recording_session(clock, per_class=2, patience=1.0)
    same = np.zeros(768, np.float32)
    assert t.offer(same)
    clock.t += 0.9
    assert not t.offer(same)
    clock.t += 0.1
    assert t.offer(same) and t.done  # a second without a new frame: taken anyway


def test_hints_rotate_while_recording_a_hand_and_never_for_the_empty_room():
    clock = FakeClock(0.0)
    t = TeachSession(clock, per_class=4, rate=5.0, countdown=3.0, classes=("none", "rock"))
    assert t.step.label == "none" and not t.step.vary and t.hint == ""
    clock.t = 3.0
    assert t.due()
    empty = np.zeros(768, np.float32)
    for _ in range(2):  # an empty room looks the same every time: all taken
        assert t.offer(empty)
        clock.t += 0.2
    assert t.step.prompt.startswith("Now a relaxed hand") and t.step.vary
    assert t.hint == ""  # counting down
    clock.t += 3.0
    assert t.due()
    seen = []
    for _ in range(8):
        seen.append(t.hint)
        clock.t += HINT_SECONDS / 2
    assert seen == [h for h in HINTS for _ in range(2)]


def test_descriptors_of_another_kind_are_not_compared():
    """A caller may offer landmarks when the hand is found and a thumbnail when not."""
    clock = FakeClock(0.0)
    t = _recording_session(clock)
    assert t.offer(np.zeros(42)) and t.offer(np.zeros(768))
    assert not t.offer(np.zeros(42)) and not t.offer(np.zeros(768))


def _hand(v: float) -> np.ndarray:
    return np.full(42, v, np.float32)


def test_teach_refuses_an_empty_frame_with_the_hand_recognizer():
    clock = FakeClock(0.0)
    t = TeachSession(clock, per_class=4, rate=5.0, countdown=0.0, classes=("none",),
                     need_hand=True)  # 2 frames of the empty room, 2 of a relaxed hand
    room = np.zeros(768, np.float32)
    assert not t.admit(_hand(0.5), room) and t.hint == HAND_IN_EMPTY  # empty step: no hand
    clock.t += 0.25
    assert t.admit(None, room) and t.taken == 1
    clock.t += 0.25
    assert t.admit(None, room + 0.001)
    assert t.step.vary and "relaxed hand" in t.step.prompt
    clock.t += 0.1
    for _ in range(3):  # the empty room, and a changed picture with no hand found in it
        clock.t += 0.25
        assert not t.admit(None, room + 0.5)
        assert t.hint == NO_HAND and t.taken == 0
    assert t.admit(_hand(0.5), room) and t.taken == 1  # a hand: taken


def test_a_hand_step_that_never_finds_a_hand_is_lost_after_a_while():
    clock = FakeClock(0.0)
    t = TeachSession(clock, per_class=4, rate=5.0, countdown=0.0, classes=("rock",),
                     need_hand=True)
    while clock.t < GIVE_UP - 0.1:
        assert not t.admit(None, np.zeros(768, np.float32)) and not t.lost
        clock.t += 0.1
    t.admit(_hand(0.5), np.zeros(768, np.float32))  # one hand in ~50 frames
    clock.t += 0.25
    t.admit(None, np.zeros(768, np.float32))
    assert t.lost and t.found_share == pytest.approx(1 / t.seen) and t.taken == 1


def test_with_the_cnn_a_hand_step_takes_only_frames_unlike_the_empty_room():
    clock = FakeClock(0.0)
    t = TeachSession(clock, per_class=4, rate=5.0, countdown=0.0, classes=("none",))
    room = np.full(768, 0.3, np.float32)
    assert t.admit(None, room)
    clock.t += 0.25
    assert t.admit(None, room + 0.01)
    assert t.empty is not None and t.step.vary
    clock.t += 0.25
    assert not t.admit(None, room + 0.01)  # the empty room: refused
    assert t.hint == LIKE_EMPTY and t.taken == 0
    hand = room.copy()
    hand[:100] = 0.9  # something in a corner of the view
    assert distance(hand, t.empty) > EMPTY_CHANGE
    clock.t += 0.25
    assert t.admit(None, hand) and t.taken == 1
    clock.t += 0.25
    assert t.admit(_hand(0.2), room)  # a hand found (a recognizer of hands serves): taken
    assert t.done and not t.lost  # never lost without a hand finder's rule


def test_a_hand_in_half_the_frames_is_slow_but_not_lost():
    """The gaps between throws (the demo clip) are not a room that defeats the hand finder."""
    clock = FakeClock(0.0)
    t = TeachSession(clock, per_class=200, rate=5.0, countdown=0.0, classes=("rock",),
                     need_hand=True)
    for k in range(100):  # 10 s at 10 frames a second, a hand in every other one
        t.admit(_hand(k / 100) if k % 2 else None, np.zeros(768, np.float32))
        clock.t += 0.1
    assert not t.lost and t.found_share == pytest.approx(0.5) and t.taken > 10
