"""A grey frame in which no hand is found is looked at once more in a skin tone, and only
then (``rps.recognizers.hand.grey``)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from rps.modeltools.degrade import grey, jpeg
from rps.recognizers.hand import tracker as tracker_mod
from rps.recognizers.hand.grey import is_grey, tinted
from rps.recognizers.hand.roi import search_rois
from rps.recognizers.hand.tracker import HandTracker
from rps.types import Frame
from tests.recognizers.test_hand_search import FakeModels, _palm_at

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GREY_HANDS = sorted((FIXTURES / "rps-cv-grey").glob("*.jpg"))
PHOTO = FIXTURES / "real-hands" / "fist-2_pic00507_157_277.jpg"
WALL = np.repeat(np.linspace(60, 160, 640, dtype=np.uint8)[None, :, None], 480, 0).repeat(3, 2)


def test_a_grey_frame_is_grey_even_after_jpeg_and_a_colour_photo_is_not():
    photo = cv2.imread(str(PHOTO))
    assert not is_grey(photo)
    assert is_grey(grey(photo)) and is_grey(jpeg(grey(photo), 30)) and is_grey(photo[..., 0])
    tint = np.clip(grey(photo).astype(int) + np.array([2, 0, 1]), 0, 255).astype(np.uint8)
    assert is_grey(tint)  # a constant offset (a video writer's, a white balance) is no colour


def test_the_tint_is_a_skin_tone_with_the_frame_s_own_detail():
    g = grey(cv2.imread(str(PHOTO)))
    t = tinted(g)
    assert t.shape == g.shape and t.dtype == np.uint8 and not is_grey(t)
    b, gg, r = (t[..., i].astype(int) for i in range(3))
    assert (r >= gg).all() and (gg >= b).all() and (r == g[..., 2]).all()


class Looks(FakeModels):
    """Counts palm detections of the whole frame, in grey and in colour."""

    def __init__(self, presence: float = 0.0, palms=None):
        super().__init__(presence, palms=palms)
        self.grey = self.colour = 0

    def detect(self, image, tile=None):
        if tile is None:
            self.grey += is_grey(image)
            self.colour += not is_grey(image)
        return super().detect(image, tile)


def test_a_grey_frame_with_no_hand_is_looked_at_once_more_tinted_and_a_colour_one_is_not():
    fake = Looks()
    assert HandTracker(fake.detect, fake.read, track=False)(WALL) == []
    assert (fake.grey, fake.colour) == (1, 1)
    fake = Looks()
    colour = WALL.copy()
    colour[..., 2] //= 2  # a cyan tinge, stronger on the right: colour
    HandTracker(fake.detect, fake.read, track=False)(colour)
    assert (fake.grey, fake.colour) == (0, 1)


def test_a_grey_frame_whose_hand_is_found_is_not_tinted():
    fake = Looks(1.0, palms=[_palm_at(320, 240)])
    assert len(HandTracker(fake.detect, fake.read, track=False)(WALL)) == 1
    assert fake.colour == 0


def test_a_quiet_grey_stream_is_tinted_only_when_searched_everywhere():
    fake = Looks()
    t = HandTracker(fake.detect, fake.read, track=True, realtime=False)
    t(WALL)  # a new view: searched everywhere, then tinted
    assert fake.colour == 1
    for _ in range(10):  # the same quiet view: a few candidates a frame, in grey only
        t(WALL)
    assert fake.colour == 1


class TintedHand(Looks):
    """A hand only the search finds, and only in colour (as a fist in a grey room)."""

    def read(self, image, rois):
        self.presence = 0.0 if is_grey(image) else 0.97
        return super().read(image, rois)


@pytest.mark.parametrize("track, realtime", [(False, False), (True, False), (True, True)])
def test_the_tinted_look_searches_everywhere_and_at_most_as_often_as_the_full_search(
        track, realtime):
    fake = TintedHand()
    t = HandTracker(fake.detect, fake.read, track=track, realtime=realtime)
    assert len(t(WALL)) == 1  # in the game too: the second look is a full search
    assert t.searcher.searched == 2 * len(search_rois(640, 480))  # every candidate, in both looks
    if realtime:
        other = WALL.copy()
        other[:, :320] = 160  # a new view right after: no full search, so no second look
        looks = fake.colour
        t.tracked = []
        t(other)
        assert fake.colour == looks


@pytest.mark.parametrize("path", GREY_HANDS, ids=lambda p: p.name)
def test_a_real_hand_in_grey_is_read_only_with_the_tint(reader, path, monkeypatch):
    frame = Frame(0, 0.0, cv2.imread(str(path)))
    assert reader.read(frame).label == path.name.split("-")[0]
    monkeypatch.setattr(tracker_mod, "is_grey", lambda image: False)
    assert reader.read(frame).label == "none"
