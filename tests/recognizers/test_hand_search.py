"""Finding the hands the palm detector misses: candidate ROIs confirmed by the landmark
model's hand flag, bounded per frame in a stream; tracking re-detects a hand that moved;
`rps eval --stream` carries tracking from frame to frame."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import openvino as ov
import pytest

from rps.modeltools.eval_folder import eval_folder
from rps.recognizers import load_recognizer
from rps.recognizers.hand import tracker as tracker_mod
from rps.recognizers.hand.palm import Palm, tiles
from rps.recognizers.hand.readings import averaged
from rps.recognizers.hand.roi import Roi, roi_from_palm, search_rois, whole_rois
from rps.recognizers.hand.tracker import CONFIRM, PER_FRAME, HandTracker, Reading

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real-hands"
CGI = Path(__file__).resolve().parents[1] / "fixtures" / "rps-cgi"


def _hand_at(cx: float, cy: float, size: float = 100.0) -> np.ndarray:
    """21 landmarks of an upright open hand centred near (cx, cy), frame pixels."""
    rng = np.random.default_rng(0)
    pts = rng.uniform(-0.5, 0.5, (21, 2)) * size
    pts[0] = [0, 0.5 * size]  # wrist below
    pts[9] = [0, -0.1 * size]  # middle finger base above it
    return np.concatenate([pts + np.array([cx, cy]), np.zeros((21, 1))], 1)


class FakeModels:
    """A detector and a landmark reader with scripted answers; counts what was read."""

    def __init__(self, presence: float = 0.0, at: tuple[float, float] = (320, 240),
                 palms: list[Palm] | None = None):
        self.presence, self.at, self.palms = presence, at, palms or []
        self.reads: list[list[Roi]] = []
        self.tiles: list = []

    def detect(self, image: np.ndarray, tile=None) -> list[Palm]:
        self.tiles.append(tile)
        return list(self.palms) if tile is None else []

    def read(self, image: np.ndarray, rois: list[Roi]) -> list[Reading]:
        self.reads.append(list(rois))
        return [Reading(_hand_at(*self.at), self.presence, 0.0, r) for r in rois]


IMAGE = np.zeros((480, 640, 3), np.uint8)  # in colour (blue to the right): a grey frame
IMAGE[..., 0] = np.linspace(0, 120, 640, dtype=np.uint8)  # is also looked at tinted


@pytest.mark.parametrize("presence, found", [(0.7, 0), (CONFIRM + 0.05, 1)])
def test_a_searched_candidate_needs_the_confirm_flag(presence, found):
    fake = FakeModels(presence)
    t = HandTracker(fake.detect, fake.read, track=False)
    hands = t(IMAGE)
    assert len(hands) == found  # 0.7 passes a tracked hand's gate (0.5), not a search's
    assert t.searcher.searched == len(search_rois(640, 480))  # a still tries every candidate
    assert [x for x in fake.tiles if x is not None] == tiles(640, 480)  # and every tile
    if found:  # re-read on the ROI its own landmarks give before it is classified
        assert len(fake.reads) == 3 and len(fake.reads[1]) == 1
        assert fake.reads[1][0] == hands[0].roi
        assert fake.reads[2] == whole_rois(640, 480)  # a still: is it part of a larger hand?


def test_without_search_the_single_pass_reads_nothing():
    fake = FakeModels(1.0)
    t = HandTracker(fake.detect, fake.read, track=False, search=False)
    assert t(IMAGE) == [] and fake.reads == []


def test_a_quiet_stream_reads_a_few_candidates_a_frame_in_rotation():
    fake = FakeModels(0.0)
    t = HandTracker(fake.detect, fake.read, track=True, realtime=False)
    grid = search_rois(640, 480)
    assert t(IMAGE) == [] and t.searcher.searched == len(grid)  # the first view: everywhere
    fake.tiles.clear()
    seen, n = [], 2 * len(grid)
    for _ in range(n):  # the same quiet view: a tile or a few squares a frame
        assert t(IMAGE) == []
        seen.append(t.searcher.searched)
    squares = [r for rois in fake.reads[1:] for r in rois]
    assert max(seen) <= PER_FRAME and len(squares) == n // 2 * PER_FRAME
    assert len({r.box().tobytes() for r in squares}) == len(grid)  # every square in turn
    zoomed = [x for x in fake.tiles if x is not None]
    assert len(zoomed) == n // 2 and set(zoomed) == set(tiles(640, 480))  # every tile
    other = IMAGE.copy()
    other[:240] = 200  # someone moved: the view changed (and the last full search is old)
    t(other)
    assert t.searcher.searched == len(grid)


def test_in_real_time_a_quiet_view_is_searched_every_few_frames():
    fake = FakeModels(0.0)
    t = HandTracker(fake.detect, fake.read, track=True)
    t(IMAGE)
    n = 4 * tracker_mod.QUIET_EVERY
    looked = 0
    for _ in range(n):
        before = len(fake.reads) + sum(x is not None for x in fake.tiles)
        t(IMAGE)
        looked += len(fake.reads) + sum(x is not None for x in fake.tiles) > before
    assert looked == n // tracker_mod.QUIET_EVERY


@pytest.mark.parametrize("realtime", [True, False])
def test_an_unchanged_empty_view_is_palm_detected_every_few_frames_in_real_time(realtime):
    fake = FakeModels(0.0)
    t = HandTracker(fake.detect, fake.read, track=True, realtime=realtime)
    wall = np.full((480, 640, 3), 100, np.uint8)
    n = 4 * tracker_mod.QUIET_EVERY
    detected = []
    for _ in range(n):
        t(wall)
        detected.append(t.palm_ran)
    assert sum(detected) == (n // tracker_mod.QUIET_EVERY if realtime else n)
    t(wall)  # due again
    t(wall)
    assert t.palm_ran is not realtime  # just detected: in real time not due for a while
    far_hand = wall.copy()
    far_hand[205:235, 605:635] = 120  # a far, dim hand comes in: 30 x 30 px, 20 levels up
    t(far_hand)
    assert t.palm_ran  # looked for at once


def test_a_hand_just_lost_is_searched_everywhere_then_where_it_was():
    fake = FakeModels(1.0, at=(100, 100))
    t = HandTracker(fake.detect, fake.read, track=True, realtime=False)
    t(IMAGE)  # the view is known
    t._last, t._since_hand = [Roi(100, 100, 80, 0.0)], 0  # a hand was seen on the last frame
    fake.presence = 0.0
    full = len(search_rois(640, 480)) + 1
    for _ in range(tracker_mod.FULL):  # as a still would, its old place first
        t(IMAGE)
        assert t.searcher.searched == full and fake.reads[-2] == [Roi(100, 100, 120, 0.0)]
    t(IMAGE)  # then bounded: its place and a tile or a few squares
    assert t.searcher.searched <= PER_FRAME + 1 and [Roi(100, 100, 120, 0.0)] in fake.reads[-2:]


def test_in_real_time_where_a_hand_was_lost_is_read_every_other_frame_for_a_while():
    fake = FakeModels(0.0)
    t = HandTracker(fake.detect, fake.read, track=True)
    t(IMAGE)  # the view is known (and its full search done)
    t._last, t._since_hand = [Roi(100, 100, 80, 0.0)], 0  # a hand was seen on the last frame
    where = Roi(100, 100, 120, 0.0)
    read_there = []
    for _ in range(2 * tracker_mod.LINGER):
        fake.reads.clear()
        t(IMAGE)
        read_there.append(any(where in rois for rois in fake.reads))
    every = tracker_mod.LINGER_EVERY
    assert read_there == [i < tracker_mod.LINGER and i % every == 0
                          for i in range(2 * tracker_mod.LINGER)]


def test_a_tracked_hand_that_moved_is_detected_again_in_the_same_frame():
    palm = Palm(0.9, np.array([280, 200, 360, 280.0]), np.array(
        [[320, 280], [0, 0], [320, 200], [0, 0], [0, 0], [0, 0], [0, 0.0]]))
    fake = FakeModels(1.0, at=(320, 240), palms=[palm])
    t = HandTracker(fake.detect, fake.read, track=True, search=False)
    assert t(IMAGE) and t.palm_ran
    assert t(IMAGE) and not t.palm_ran  # steady: tracked, no detection
    fake.at = (500, 380)  # the hand jumped: its landmarks leave the tracked ROI
    t(IMAGE)
    assert t.palm_ran  # detection ran in this same frame


@pytest.mark.parametrize("realtime", [False, True])
def test_a_tracked_hand_flagged_below_confirm_is_detected_again(realtime):
    """A stale ROI can keep a hand's flag above the tracking gate yet read it worse than
    the palm detector's ROI: the palm's reading replaces it in the same frame (offline on
    every such frame: `rps eval --stream` loses nothing detection finds; in real time on one
    frame in QUIET_EVERY)."""
    fake = FakeModels(1.0, at=(320, 240), palms=[_palm_at(320, 240)])
    t = HandTracker(fake.detect, fake.read, track=True, search=False, realtime=realtime)
    assert t(IMAGE) and t(IMAGE) and not t.palm_ran  # steady: tracked, no detection
    fake.presence = CONFIRM - 0.1  # above the gate (0.5), below the search's
    ran = []
    for _ in range(2 * tracker_mod.QUIET_EVERY):
        tracked = t.tracked[0]
        fake.reads.clear()
        hands = t(IMAGE)
        ran.append(t.palm_ran)
        assert len(hands) == 1
        if t.palm_ran:  # the tracked square, then the palm's (the same hand: not settled)
            p = _palm_at(320, 240)
            assert fake.reads == [[tracked], [roi_from_palm(p.box, p.keypoints)]]
        else:
            assert fake.reads == [[tracked]]
    assert sum(ran) == (2 if realtime else 2 * tracker_mod.QUIET_EVERY)
    fake.presence = CONFIRM + 0.05
    assert t(IMAGE) and not t.palm_ran  # a sure tracked hand: no detection


def test_a_doubted_tracked_hand_stays_a_rival_of_a_palm_elsewhere():
    """With one hand asked for, a palm found elsewhere while the tracked hand is doubted
    does not win by arriving: the likelier flag does."""
    reads = []

    def read(image, rois):  # the tracked hand (left) at 0.8, the palm's (right) at 0.6
        reads.append(rois)
        return [Reading(_hand_at(r.cx, r.cy, 80), 0.8 if r.cx < 320 else 0.6, 0.0, r)
                for r in rois]

    palms = [_palm_at(160, 240)]
    t = HandTracker(lambda image, tile=None: list(palms) if tile is None else [], read,
                    track=True, search=False, realtime=False)
    assert t(IMAGE)[0].roi.cx < 320
    palms[:] = [_palm_at(480, 240)]  # the left hand is no longer detected; a palm on the right
    hands = t(IMAGE)
    assert len(hands) == 1 and hands[0].landmarks[:, 0].mean() < 320


def test_a_new_view_is_read_as_a_still_and_its_tracked_square_only_if_that_finds_nothing():
    palm = Palm(0.9, np.array([280, 200, 360, 280.0]), np.array(
        [[320, 280], [0, 0], [320, 200], [0, 0], [0, 0], [0, 0], [0, 0.0]]))
    fake = FakeModels(1.0, at=(320, 240), palms=[palm])
    t = HandTracker(fake.detect, fake.read, track=True, realtime=False)
    assert t(IMAGE) and t(IMAGE) and not t.palm_ran  # tracked, no detection
    tracked = t.tracked[0]
    other = IMAGE.copy()
    other[:240] = 200  # a cut: the view changed
    fake.reads.clear()
    assert t(other) and t.palm_ran  # detected as a still would be ...
    assert tracked not in fake.reads[0]  # ... before the tracked square is read
    fake.palms, fake.presence = [], 0.7  # next cut: nothing detected, and 0.7 is no find
    fake.reads.clear()
    tracked = t.tracked[0]
    hands = t(IMAGE)
    assert t.searcher.searched > 0 and fake.reads[-1] == [tracked]  # the still found none: tracked
    assert len(hands) == 1 and hands[0].roi == tracked


def _palm_at(cx: float, cy: float) -> Palm:
    return Palm(0.9, np.array([cx - 40, cy - 40, cx + 40, cy + 40.0]), np.array(
        [[cx, cy + 40], [0, 0], [cx, cy - 40], [0, 0], [0, 0], [0, 0], [0, 0.0]]))


def test_a_hand_that_jumped_in_a_new_view_is_one_hand_not_two():
    fake = FakeModels(1.0, at=(320, 240), palms=[_palm_at(320, 240)])
    t = HandTracker(fake.detect, fake.read, max_hands=2, track=True, search=False,
                    realtime=False)
    assert len(t(IMAGE)) == 1
    other = IMAGE.copy()
    other[:240] = 200  # a new view, the hand 130 px to the right: the old square still
    fake.at, fake.palms = (450, 240), [_palm_at(450, 240)]  # holds part of it
    assert len(t(other)) == 1


def test_in_real_time_a_new_view_with_a_tracked_hand_gets_a_bounded_search():
    fake = FakeModels(1.0, at=(320, 240), palms=[_palm_at(320, 240)])
    t = HandTracker(fake.detect, fake.read, track=True)  # real time
    for _ in range(tracker_mod.COOLDOWN + 2):  # long past the first view's full search
        assert t(IMAGE)
    fake.palms, fake.presence = [], 0.7  # a new view where only the tracked square holds it
    other = IMAGE.copy()
    other[:240] = 200
    tracked = t.tracked[0]
    assert t(other) and t.searcher.searched <= PER_FRAME + 1 and fake.reads[-1] == [tracked]


def test_a_hand_only_the_search_found_does_not_keep_a_real_hand_out():
    """A face the landmark model takes for a hand is tracked, but palm detection keeps
    running; the real hand it finds wins on the hand flag, and once a palm vouches for the
    tracked hand detection stops again."""
    face, hand = (200.0, 200.0), (480.0, 330.0)

    def read(image, rois):
        def near(p, r):
            return np.hypot(r.cx - p[0], r.cy - p[1]) < 0.3 * r.size

        return [Reading(_hand_at(*hand), 0.99, 0.0, r) if near(hand, r) and palms else
                Reading(_hand_at(*face), 0.92, 0.0, r) if near(face, r) else
                Reading(_hand_at(r.cx, r.cy), 0.0, 0.0, r) for r in rois]

    palms: list[Palm] = []
    t = HandTracker(lambda image, tile=None: list(palms) if tile is None else [], read,
                    track=True, realtime=False)
    first = t(IMAGE)
    assert first and np.allclose(first[0].landmarks, _hand_at(*face))  # the search took it
    for _ in range(3):  # tracked, yet detection runs each frame (offline) in case
        assert t(IMAGE) and t.palm_ran
    palms.append(Palm(0.9, np.array([430, 280, 530, 380.0]), np.array(
        [[480, 380], [0, 0], [480, 280], [0, 0], [0, 0], [0, 0], [0, 0.0]])))
    now = t(IMAGE)
    assert np.allclose(now[0].landmarks, _hand_at(*hand))  # the real hand wins
    assert t(IMAGE) and not t.palm_ran  # vouched for: tracked without detection


# ---- the real stages --------------------------------------------------------------------
@pytest.fixture(scope="module")
def stages():
    return load_recognizer("hand", track=False).stages(ov.Core())


def _read(stages, image: np.ndarray, search: bool) -> list[Reading]:
    stages.tracker.search = search
    try:
        return stages(image)
    finally:
        stages.tracker.search = True


def test_search_finds_a_close_up_the_palm_detector_misses(stages):
    close = cv2.imread(str(REAL / "closeup-3f_5_pic00021_597_104.jpg"))  # fills the frame
    assert _read(stages, close, search=False) == []
    hands = _read(stages, close, search=True)
    assert len(hands) == 1 and hands[0].presence >= CONFIRM
    lo, hi = hands[0].landmarks[:, :2].min(0), hands[0].landmarks[:, :2].max(0)
    assert (hi - lo).max() > 0.4 * min(close.shape[:2])  # spread over the close-up


def test_search_finds_a_small_far_hand_the_palm_detector_misses(stages):
    hand = cv2.imread(str(REAL / "hand-1f_2_pic00391_169_180.jpg"))
    frame = np.full((480, 640, 3), 90, np.uint8)
    frame[300:410, 420:530] = cv2.resize(hand, (110, 110))  # 23% of the short side
    assert _read(stages, frame, search=False) == []
    hands = _read(stages, frame, search=True)
    assert len(hands) == 1
    x, y = hands[0].landmarks[:, :2].mean(0)
    assert 400 < x < 550 and 280 < y < 430  # on the pasted hand


def test_the_confirmation_gate_rejects_what_is_not_a_hand(stages):
    rng = np.random.default_rng(1)
    scenes = [np.full((480, 640, 3), 90, np.uint8),
              rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)]
    skin = np.full((480, 640, 3), (60, 80, 70), np.uint8)
    cv2.ellipse(skin, (320, 240), (150, 200), 0, 0, 360, (120, 150, 200), -1)  # a face-ish
    scenes.append(cv2.GaussianBlur(skin, (0, 0), 9))
    for scene in scenes:
        assert _read(stages, scene, search=True) == []
        assert stages.tracker.searcher.searched >= len(search_rois(640, 480))  # it did look


# ---- rps eval --stream ------------------------------------------------------------------
def test_eval_stream_carries_tracking_from_frame_to_frame(tmp_path, monkeypatch):
    folder = tmp_path / "set" / "paper"
    folder.mkdir(parents=True)
    hand = cv2.imread(str(sorted((CGI / "paper").glob("*.jpg"))[0]))
    for i in range(4):  # one paper held still, four frames
        img = np.full((480, 640, 3), 90, np.uint8)
        img[120:380, 300:560] = cv2.resize(hand, (260, 260))
        cv2.imwrite(str(folder / f"f{i}.png"), img)
    ran: list[bool] = []
    call = HandTracker.__call__

    def spy(self, image):
        out = call(self, image)
        ran.append(self.palm_ran)
        return out

    monkeypatch.setattr(HandTracker, "__call__", spy)
    out = tmp_path / "r.json"
    r = eval_folder(tmp_path / "set", stream=True, json_out=out, quiet=True)
    assert ran == [True, False, False, False]  # detected once, then tracked
    assert json.loads(out.read_text())["mode"] == "stream" and r["per_class"]["paper"] == 1.0
    ran.clear()
    assert eval_folder(tmp_path / "set", quiet=True)["mode"] == "stills"
    assert ran == [True] * 4  # each still alone


def test_readings_averaged_are_the_mean_of_those_flagged_as_a_hand():
    roi = Roi(320, 240, 200, 0.0)
    a, b, c = (Reading(_hand_at(x, 240), p, 0.0, roi) for x, p in
               ((300, 0.9), (340, 0.7), (500, 0.2)))
    both = averaged(a, [a, b, c], 0.5)
    assert np.allclose(both.landmarks, _hand_at(320, 240)) and both.presence == 0.9
    assert averaged(a, [c], 0.5) is a  # none flagged: the hand as it was
