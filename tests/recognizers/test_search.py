"""A searched square that holds a hand off-centre flags it below ``CONFIRM`` (a grey camera,
where the palm detector finds nothing): in a grey frame, re-read on its own landmarks' ROI
as tracking would, it is taken once the flag passes ``CONFIRM``, within a bounded number of
reads; in colour it is left to the second opinion (a face re-read can pass ``CONFIRM``)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from rps.modeltools.degrade import grey
from rps.recognizers.hand.roi import Roi, roi_from_landmarks, search_rois
from rps.recognizers.hand.search import CONFIRM, REFINE, Search, per_place
from rps.recognizers.hand.tracker import HandTracker, Reading
from rps.types import Frame
from tests.recognizers.test_hand_search import IMAGE, _hand_at

V_SIGN = Path(__file__).resolve().parents[1] / "fixtures" / "epsrc-fingers" / "Set2_two_19.jpg"


GREY = np.full((480, 640, 3), 90, np.uint8)


@pytest.mark.parametrize("steps", [1, REFINE, REFINE + 1])
def test_in_grey_a_doubted_candidate_re_read_on_its_own_landmarks_is_taken_at_confirm(steps):
    """Every square reads the hand off-centre at 0.7; each re-read on the landmarks lands
    nearer, the ``steps``-th on the hand at a sure flag."""
    reads, step = [], {}  # an ROI's box -> how many re-reads it is from a square

    def read(image, rois):
        reads.append(list(rois))
        out = []
        for r in rois:
            k = step.get(r.box().tobytes(), 0)
            away = max(0, steps - k)
            lm = _hand_at(400 + 30 * away, 260, 120)
            step[roi_from_landmarks(lm).box().tobytes()] = k + 1
            out.append(Reading(lm, CONFIRM + 0.05 if away == 0 else 0.7, 0.0, r))
        return out

    hands = HandTracker(lambda image, tile=None: [], read, track=False)(GREY)
    assert len(reads[0]) == len(search_rois(640, 480))  # the squares, all doubted
    assert bool(hands) == (steps <= REFINE)
    rereads = reads[1:1 + min(steps, REFINE)]
    assert [len(r) for r in rereads] == [1] * len(rereads)  # the one place the squares read
    if not hands:  # re-read REFINE times, then the tinted look's squares: nothing unvouched
        assert reads[1 + REFINE] == reads[0]


@pytest.mark.parametrize("vouched", [None, False, True])
def test_in_colour_a_doubt_is_re_read_once_for_the_second_opinion_only(vouched):
    reads, asked = [], []

    def read(image, rois):  # the re-read would pass CONFIRM: in colour that is not enough
        reads.append(list(rois))
        return [Reading(_hand_at(400, 260, 120), 0.7 if len(reads) == 1 else CONFIRM + 0.05,
                        0.0, r) for r in rois]

    vouch = None if vouched is None else (lambda image, r: asked.append(r) or vouched)
    hands = HandTracker(lambda image, tile=None: [], read, track=False, vouch=vouch)(IMAGE)
    assert len(hands) == bool(vouched)
    if vouched is None:  # no second opinion: no re-read either
        assert len(reads) == 1
    else:  # once, and the likelier reading (the re-read) is asked about
        assert len(reads[1]) == 1 and asked[0].presence == CONFIRM + 0.05


def test_doubts_are_re_read_one_per_place_the_likeliest_first():
    a = Reading(_hand_at(100, 100), 0.6, 0.0, Roi(100, 100, 120, 0.0))
    b = Reading(_hand_at(104, 100), 0.8, 0.0, Roi(104, 100, 120, 0.0))
    c = Reading(_hand_at(500, 300), 0.7, 0.0, Roi(500, 300, 120, 0.0))
    assert per_place([], [a, b, c], 3) == [b, c]  # a is where b is, and less likely
    assert per_place([c], [a, b, c], 3) == [b]  # not where a hand was read already
    assert per_place([], [a, b, c], 1) == [b]


def test_a_grey_v_sign_the_palm_detector_misses_is_found_by_re_reading(reader, monkeypatch):
    """Real: an EPSRC V sign (a held-out session) made grey. The palm detector finds no sure
    palm and no square confirms it; with no second opinion, re-reading finds it (scissors)
    and without re-reading it is none."""
    img = grey(cv2.imread(str(V_SIGN)))
    stages = reader.stages
    monkeypatch.setattr(stages.tracker.searcher, "vouch", None)
    assert not [p for p in stages._detect(img) if p.score >= 0.5]
    assert reader.read(Frame(0, 0.0, img)).label == "scissors"
    assert stages.tracker.searcher.searched >= len(search_rois(img.shape[1], img.shape[0]))
    monkeypatch.setattr(Search, "_doubted", lambda self, image, hands: [])
    assert reader.read(Frame(0, 0.0, img)).label == "none"
