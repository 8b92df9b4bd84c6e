"""Heavy JPEG is smoothed before the hand stages read it, and only heavy JPEG."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from rps.inference.backend import open_backend
from rps.modeltools.degrade import jpeg
from rps.recognizers import load_recognizer
from rps.recognizers.hand.deblock import BLOCKY, Deblock, blockiness
from rps.recognizers.hand.tracker import HandTracker
from rps.types import Frame, RingSettings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
V_SIGNS = sorted((FIXTURES / "sign-digits").glob("*.jpg"))
PHOTOS = V_SIGNS + sorted((FIXTURES / "real-hands").glob("*.jpg"))


@pytest.mark.parametrize("path", PHOTOS, ids=lambda p: p.name)
def test_heavy_jpeg_is_blocky_and_the_photo_is_not(path):
    img = cv2.imread(str(path))
    assert blockiness(img) < BLOCKY <= blockiness(jpeg(img, 8))


def test_only_a_blocky_frame_is_smoothed_and_a_stream_is_judged_every_few_frames():
    rng = np.random.default_rng(0)
    smooth = cv2.GaussianBlur(rng.integers(0, 255, (240, 320, 3), np.uint8), (0, 0), 3)
    blocky = jpeg(smooth, 5)
    still = Deblock()
    assert still(smooth) is smooth
    assert still(blocky) is not blocky and still.blocky
    stream = Deblock(every=3)
    assert stream(smooth) is smooth
    assert stream(blocky) is blocky and not stream.blocky  # judged again on the 4th frame
    stream(blocky)
    assert stream(blocky) is not blocky and stream.blocky


@pytest.fixture(scope="module")
def reader():
    model = load_recognizer("hand", track=False, realtime=False)
    return model.build(open_backend(), "CPU", model.default_precision, (100, 100),
                       RingSettings())


@pytest.mark.parametrize("path", V_SIGNS, ids=lambda p: p.name)
def test_a_v_sign_in_heavy_jpeg_is_read_as_scissors_only_when_deblocked(reader, path):
    frame = Frame(0, 0.0, jpeg(cv2.imread(str(path)), 8))
    assert reader.read(frame).label == "scissors"
    tracker: HandTracker = reader.stages.tracker
    keep, tracker.deblock = tracker.deblock, lambda image: image
    try:
        assert reader.read(frame).label != "scissors"
    finally:
        tracker.deblock = keep
