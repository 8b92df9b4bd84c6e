"""Heavy JPEG is smoothed before the hand stages read it, and only heavy JPEG."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from rps.modeltools.degrade import jpeg
from rps.modeltools.eval_folder import on_canvas
from rps.recognizers.hand import deblock as deblock_mod
from rps.recognizers.hand.deblock import BLOCKY, KEEP, Deblock, blockiness
from rps.recognizers.hand.roi import roi_from_landmarks
from rps.recognizers.hand.tracker import JPEG_SIZES, HandTracker
from rps.types import Frame
from tests.recognizers.test_hand_search import FakeModels, _hand_at, _palm_at

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
V_SIGNS = sorted((FIXTURES / "sign-digits").glob("*.jpg"))
SETTLED = [p for p in V_SIGNS if p.stem in ("IMG_4111", "IMG_5225")]  # need a 2nd read
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
    still(blocky)
    assert still(smooth) is smooth and not still.blocky  # each still judged alone
    stream = Deblock(every=3)
    assert stream(smooth) is smooth
    assert stream(blocky) is blocky and not stream.blocky  # measured again on the 4th frame
    for _ in range(3 * KEEP):  # the camera turned blocky: judged so within a few measures
        stream(blocky)
    assert stream(blocky) is not blocky and stream.blocky


def test_a_videos_blocky_keyframes_alone_do_not_make_it_blocky():
    rng = np.random.default_rng(0)
    smooth = cv2.GaussianBlur(rng.integers(0, 255, (240, 320, 3), np.uint8), (0, 0), 3)
    key = jpeg(smooth, 5)  # h264 spends fewer bits on its keyframes (the demo clip: 1 in 12)
    stream, judged = Deblock(every=3), []
    for i in range(240):
        stream(key if i % 12 == 0 else smooth)
        judged.append(stream.blocky)
    assert not any(judged[3:])  # from the second measure on


@pytest.mark.parametrize("path", V_SIGNS, ids=lambda p: p.name)
def test_a_v_sign_in_heavy_jpeg_is_read_as_scissors_only_when_judged_blocky(reader, path,
                                                                           monkeypatch):
    frame = Frame(0, 0.0, jpeg(cv2.imread(str(path)), 8))
    assert reader.read(frame).label == "scissors"
    monkeypatch.setattr(deblock_mod, "BLOCKY", float("inf"))  # no frame is judged blocky
    assert reader.read(frame).label != "scissors"


@pytest.mark.parametrize("path", SETTLED, ids=lambda p: p.name)
def test_in_heavy_jpeg_a_hand_is_read_again_on_its_own_landmarks_square(mediapipe_reader, path,
                                                                          monkeypatch):
    reader = mediapipe_reader  # the JPEG landmark model reads these right the first time
    frame = Frame(0, 0.0, jpeg(cv2.imread(str(path)), 8))
    assert reader.read(frame).label == "scissors"
    tracker: HandTracker = reader.stages.tracker
    monkeypatch.setattr(tracker, "_settle", lambda image, hands, *_: hands)
    assert reader.read(frame).label != "scissors"  # the first reading alone


def test_only_in_a_blocky_still_is_a_found_hand_read_a_second_time():
    rng = np.random.default_rng(0)
    smooth = cv2.GaussianBlur(rng.integers(0, 255, (480, 640, 3), np.uint8), (0, 0), 3)
    counts = []
    for image in (smooth, jpeg(smooth, 5)):
        fake = FakeModels(1.0, palms=[_palm_at(320, 240)])
        assert len(HandTracker(fake.detect, fake.read, track=False)(image)) == 1
        counts.append(len(fake.reads))
    assert counts[1] == counts[0] + 1  # its own square at JPEG_SIZES, the readings averaged
    mid = roi_from_landmarks(_hand_at(320, 240))
    assert [round(r.size / mid.size, 3) for r in fake.reads[-1]] == list(JPEG_SIZES)


@pytest.mark.parametrize("path", V_SIGNS[:1], ids=lambda p: p.name)
def test_a_smaller_frame_in_a_stream_keeps_its_blocks_on_the_grid(path):
    """`rps eval --stream` centres smaller frames on a canvas; to the nearest block, so a
    heavy-JPEG frame is judged blocky there as it is alone (a camera's frames stay on it)."""
    img = jpeg(cv2.imread(str(path)))
    big = np.zeros((img.shape[0] + 20, img.shape[1] + 10, 3), np.uint8)  # offsets 10 and 5
    on = on_canvas([big, img])[1]
    assert blockiness(img) >= BLOCKY and blockiness(on) >= BLOCKY
    ys, xs = np.nonzero(on.any(2))
    assert ys.min() % 8 == 0 and xs.min() % 8 == 0
