"""A hand the landmark model doubts (flag between the tracking gate and ``CONFIRM``) is
kept only when the second opinion vouches for it: the classifier's throw on its landmarks
and the CNN's on a crop around it agree. And a hand read where only a part of it is (the
knuckles of a V sign as a fist) gives way to the whole hand around it."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from rps.modeltools.degrade import low_contrast
from rps.recognizers.hand import tracker as tracker_mod
from rps.recognizers.hand.palm import tiles
from rps.recognizers.hand.roi import roi_from_landmarks, search_rois, whole_rois
from rps.recognizers.hand.tracker import CONFIRM, PRESENCE, HandTracker, Reading
from rps.types import Frame
from tests.recognizers.test_hand_search import IMAGE, FakeModels, _hand_at, _palm_at

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real-hands"
EPSRC = REAL.parent / "epsrc-fingers"


class Vouch:
    def __init__(self, answer: bool):
        self.answer, self.asked = answer, []

    def __call__(self, image, reading):
        self.asked.append(reading)
        return self.answer


@pytest.mark.parametrize("answer", [True, False])
def test_a_doubted_candidate_is_a_hand_only_when_vouched_for(answer):
    fake = FakeModels(0.7)  # above the tracking gate, below the search's
    vouch = Vouch(answer)
    t = HandTracker(fake.detect, fake.read, track=False, vouch=vouch)
    hands = t(IMAGE)
    assert len(vouch.asked) == 1  # the likeliest candidate only, once
    # in colour re-read upright on its own landmarks' ROI once (grey: ``test_search``)
    assert fake.reads[1] == [roi_from_landmarks(vouch.asked[0].landmarks)]
    assert len(hands) == answer
    # not re-read again; a still's hand is then checked against the whole frame's squares
    assert fake.reads[2:] == ([whole_rois(640, 480)] if answer else [])


@pytest.mark.parametrize("presence", [PRESENCE - 0.1, CONFIRM + 0.05])
def test_the_second_opinion_is_asked_only_between_the_two_gates(presence):
    fake = FakeModels(presence)
    vouch = Vouch(True)
    hands = HandTracker(fake.detect, fake.read, track=False, vouch=vouch)(IMAGE)
    assert vouch.asked == []
    assert len(hands) == (presence >= CONFIRM)


def test_with_two_hands_the_doubted_one_asked_about_is_not_the_one_already_read():
    """A sure palm on the left; on the right a hand the landmark model doubts. Squares over
    the left hand read it at a doubted flag too: the second opinion is asked about the
    right one, and two hands come back."""

    calls = []

    def read(image, rois):  # the palm's square reads the left hand surely, any other doubts it
        calls.append(rois)
        return [Reading(_hand_at(160, 240), 0.95 if len(calls) == 1 else 0.85, 0.0, r)
                if r.cx < 320 else Reading(_hand_at(480, 240), 0.7, 0.0, r) for r in rois]

    vouch = Vouch(True)
    t = HandTracker(lambda image, tile=None: [] if tile else [_palm_at(160, 240)], read,
                    max_hands=2, track=False, vouch=vouch)
    hands = t(IMAGE)
    assert [round(float(r.landmarks[:, 0].mean())) // 100 for r in vouch.asked] == [4]
    assert sorted(round(float(h.landmarks[:, 0].mean())) // 100 for h in hands) == [1, 4]


def _read(reader, image: np.ndarray, second: bool) -> str:
    tracker: HandTracker = reader.stages.tracker
    keep = tracker.searcher.vouch
    tracker.searcher.vouch = keep if second else None
    try:
        return reader.read(Frame(0, 0.0, image)).label
    finally:
        tracker.searcher.vouch = keep


def test_a_low_contrast_fist_is_read_only_with_the_second_opinion(reader):
    fist = low_contrast(cv2.imread(str(REAL / "fist-2_pic00507_157_277.jpg")))
    assert _read(reader, fist, second=False) == "none"  # the landmark model doubts it
    assert _read(reader, fist, second=True) == "rock"


def test_the_second_opinion_keeps_a_non_throw_and_non_hands_none(reader, monkeypatch):
    asked = []
    vouch = reader.stages.tracker.searcher.vouch
    monkeypatch.setattr(reader.stages.tracker.searcher, "vouch",
                        lambda image, r: asked.append(ok := vouch(image, r)) or ok)
    one_finger = low_contrast(cv2.imread(str(REAL / "onefinger-1f_5_pic00063_184_114.jpg")))
    assert _read(reader, one_finger, second=True) == "none"
    assert asked == [False]  # it was doubted, and not vouched for
    rng = np.random.default_rng(1)
    skin = np.full((480, 640, 3), (60, 80, 70), np.uint8)
    cv2.ellipse(skin, (320, 240), (150, 200), 0, 0, 360, (120, 150, 200), -1)  # a face-ish
    for scene in (np.full((480, 640, 3), 90, np.uint8), cv2.GaussianBlur(skin, (0, 0), 9),
                  rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)):
        assert _read(reader, scene, second=True) == "none" and not any(asked)
        assert reader.stages.tracker.searcher.searched >= len(search_rois(640, 480))


# ---- a part of a hand read as a hand ------------------------------------------------------
def test_a_part_of_a_hand_gives_way_to_the_whole_hand_around_it():
    """A still: a palm found in a tile reads a small hand (the knuckles); a whole-frame
    square reads a hand twice as large around it, which is taken instead. One only a
    little larger is not."""
    for size, taken in ((200.0, True), (120.0, False)):
        def read(image, rois, size=size):
            return [Reading(_hand_at(320, 240, size if r.size > 300 else 100.0), 0.95, 0.0, r)
                    for r in rois]

        def detect(image, tile=None):
            return [_palm_at(320, 240)] if tile == tiles(640, 480)[0] else []

        hands = HandTracker(detect, read, track=False)(IMAGE)
        assert len(hands) == 1
        assert (float(np.ptp(hands[0].landmarks[:, :2], 0).max()) > 1.5 * 100) is taken


def _v_around_a_fist(image, rois):
    """Squares larger than 300 px read a V sign (size 200), smaller ones its knuckles as
    a fist (size 100) at a higher flag."""
    return [Reading(_hand_at(320, 240, 200.0), 0.95, 0.0, r) if r.size > 300 else
            Reading(_hand_at(320, 240, 100.0), 0.97, 0.0, r) for r in rois]


@pytest.mark.parametrize("realtime", [True, False])
def test_a_stream_keeps_the_whole_hand_once_found(realtime):
    """The whole hand takes the trust its part had from the palm: palm detection is not
    rechecked, and the knuckles do not come back."""
    t = HandTracker(lambda image, tile=None: [] if tile else [_palm_at(320, 240)],
                    _v_around_a_fist, track=True, realtime=realtime)
    sizes = [float(np.ptp(t(IMAGE)[0].landmarks[:, :2], 0).max()) for _ in range(12)]
    assert min(sizes) > 150


def test_two_hands_are_not_merged_into_one_whole():
    """Two sure palms side by side; a whole-frame square reads one large hand over both:
    it holds two hands' centres, so it is not the whole of either."""
    palms = [_palm_at(280, 100), _palm_at(390, 100)]

    def read(image, rois):
        return [Reading(_hand_at(335, 0, 400.0), 0.93, 0.0, r) if r in whole_rois(640, 480)
                else Reading(_hand_at(r.cx, r.cy - 40, 60.0), 0.97, 0.0, r) for r in rois]

    hands = HandTracker(lambda image, tile=None: [] if tile else palms, read, max_hands=2,
                        track=False)(IMAGE)
    assert len(hands) == 2


@pytest.mark.parametrize("name", ["Set2_two_110.jpg", "Set2_two_156.jpg"])
def test_a_v_sign_whose_knuckles_read_as_a_fist_is_read_whole(reader, name):
    frame = Frame(0, 0.0, cv2.imread(str(EPSRC / name)))
    assert reader.read(frame).label == "scissors"
    tracker: HandTracker = reader.stages.tracker
    keep = tracker._whole
    tracker._whole = lambda image, hands, trusted: hands
    try:
        assert reader.read(frame).label != "scissors"
    finally:
        tracker._whole = keep


def test_in_real_time_a_new_view_checks_for_the_whole_hand_at_most_once_in_a_while():
    fake = FakeModels(1.0, palms=[_palm_at(320, 240)])
    t = HandTracker(fake.detect, fake.read, track=True)  # real time
    views, whole = [IMAGE.copy() for _ in range(2)], whole_rois(640, 480)
    views[1][:240] = 200
    checks = 0
    for i in range(tracker_mod.COOLDOWN * 2):  # the view changes on every frame
        t(views[i % 2])
        checks += fake.reads[-1] == whole
    assert checks == 2
