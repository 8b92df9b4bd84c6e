"""The hand recognizer on the shipped MediaPipe IR: palm decoding, ROI, tracking, presence
gating, pose features, and the engine serving it."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import openvino as ov
import pytest

from rps.capture import SyntheticSource
from rps.inference.ov_backend import OpenVinoBackend
from rps.pipeline import Pipeline
from rps.recognizers import load_recognizer
from rps.recognizers.hand import features, palm
from rps.types import Frame

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rps-cgi"


def _hand(cls: str = "paper", i: int = 0) -> np.ndarray:
    return cv2.imread(str(sorted((FIXTURES / cls).glob("*.jpg"))[i]))


def _scene(hand: np.ndarray | None, at: tuple[int, int] = (300, 120), size: int = 260
           ) -> np.ndarray:
    """A grey 640x480 room with a hand pasted at ``at`` (top-left), ``size`` pixels square."""
    img = np.full((480, 640, 3), 90, np.uint8)
    if hand is not None:
        x, y = at
        img[y:y + size, x:x + size] = cv2.resize(hand, (size, size))
    return img


@pytest.fixture(scope="module")
def stages():
    def make(track: bool = True, max_hands: int = 1):
        return load_recognizer("hand", max_hands=max_hands, track=track).stages(ov.Core())
    return make


def test_anchors_follow_mediapipes_layout():
    a = palm.ssd_anchors()
    assert a.shape == (2016, 2)
    assert np.allclose(a[0], a[1]) and np.allclose(a[0], [0.5 / 24, 0.5 / 24])
    assert np.allclose(a[1152], [0.5 / 12, 0.5 / 12]) and np.allclose(a[1152:1158], a[1152])
    assert np.allclose(a[-1], [11.5 / 12, 11.5 / 12])


def test_weighted_nms_merges_overlaps_by_score():
    boxes = np.array([[0, 0, 1, 1], [0.1, 0, 1.1, 1], [3, 3, 4, 4]], np.float64)
    kps = np.zeros((3, 7, 2))
    kps[1] += 1.0
    out = palm.weighted_nms(np.array([0.9, 0.3, 0.8]), boxes, kps)
    assert len(out) == 2
    score, box, kp = out[0]
    assert score == 0.9 and np.allclose(box, [0.025, 0, 1.025, 1])  # (0.9*0 + 0.3*0.1) / 1.2
    assert np.allclose(kp, 0.25)
    assert np.allclose(out[1][1], [3, 3, 4, 4])


def test_palm_is_found_where_the_hand_was_pasted(stages):
    hands = stages(track=False)(_scene(_hand(), at=(300, 120)))
    assert len(hands) == 1
    lm = hands[0].landmarks
    x0, y0 = lm[:, :2].min(0)
    x1, y1 = lm[:, :2].max(0)
    assert x0 >= 290 and x1 <= 570 and y0 >= 110 and y1 <= 390  # on the pasted hand
    assert x1 - x0 > 80 and y1 - y0 > 80  # and spread over it, not collapsed
    assert hands[0].presence > 0.5


def test_a_close_up_cut_by_the_frame_edge_is_still_found(stages):
    img = cv2.resize(_hand("rock", 0), (520, 520))[40:520, 60:520]  # fills and leaves the frame
    frame = np.full((480, 640, 3), 235, np.uint8)
    frame[:, 180:] = img
    assert len(stages(track=False)(frame)) == 1


def test_tracking_reuses_the_roi_and_falls_back_to_detection(stages):
    s = stages(track=True)
    scene, empty = _scene(_hand()), _scene(None)
    assert s(scene) and s.tracker.palm_ran  # first frame: palm detection
    for _ in range(3):
        assert s(scene) and not s.tracker.palm_ran  # then the landmarks carry the ROI
    assert s(empty) == []  # the hand left: presence gates it out...
    assert s.tracker.tracked == [] and s.tracker.palm_ran  # ...and palms were looked for
    s(empty)
    assert not s.tracker.palm_ran  # the same empty view: not again on the next frame...
    assert s(scene) and s.tracker.palm_ran  # ...but as soon as a hand comes in


def test_an_empty_scene_reads_none_with_no_hands():
    model = load_recognizer("hand")
    rec = model.build(OpenVinoBackend(), "CPU", "FP32", (480, 640), _settings())
    p = rec.read(Frame(1, 0.0, _scene(None)))
    assert p.label == "none" and p.confidence == 1.0 and p.hands == ()
    p = rec.read(Frame(2, 0.0, _scene(_hand("scissors", 1))))
    assert len(p.hands) == 1 and p.hands[0].scores.shape == (4,)
    assert p.hands[0].handedness in ("Left", "Right")
    assert dict(p.stages_ms).keys() == {"palm", "landmarks", "classifier"}


def _settings():
    from rps.types import RingSettings

    return RingSettings()


def _real_landmarks() -> np.ndarray:
    rng = np.random.default_rng(0)
    pts = np.array([[0, 0], [-30, -20], [-50, -45], [-62, -70], [-70, -92], [-25, -90],
                    [-28, -130], [-30, -155], [-31, -175], [0, -95], [0, -140], [0, -168],
                    [0, -190], [22, -90], [24, -128], [25, -150], [26, -168], [42, -80],
                    [48, -108], [50, -126], [52, -140]], float)
    return np.concatenate([pts, rng.normal(0, 10, (21, 1))], 1) + np.array([320, 400, 0])


@pytest.mark.parametrize("how", ["shift", "rotate", "scale", "mirror"])
def test_features_ignore_position_rotation_scale_and_which_hand(how):
    lm = _real_landmarks()
    moved = lm.copy()
    if how == "shift":
        moved[:, :2] += [-150, 37]
    elif how == "rotate":
        a = np.radians(63)
        r = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        moved[:, :2] = (lm[:, :2] - 300) @ r.T + 300
    elif how == "scale":
        moved *= 0.4
    else:  # the other hand: mirrored across the image
        moved[:, 0] = 640 - lm[:, 0]
    assert np.allclose(features.features(lm), features.features(moved), atol=1e-5)
    other = lm.copy()
    other[8, :2] = lm[5, :2] + [0, 10]  # index finger folded: a different pose
    assert not np.allclose(features.features(lm), features.features(other), atol=1e-2)


def test_the_engine_serves_the_hand_recognizer_through_switches(tmp_path):
    import time

    model = load_recognizer("hand")
    pipe = Pipeline(SyntheticSource(fps=60), model, "CPU", "FP32", cache_dir=tmp_path)
    preds, switched = [], False
    t_end = time.perf_counter() + 60
    with pipe:
        while time.perf_counter() < t_end:
            preds += pipe.take(0.5)
            if len(preds) >= 20 and not switched:
                pipe.switch("AUTO", "FP16")
                switched = True
            if sum(p.precision == "FP16" for p in preds) >= 10:
                break
        pipe.check()
    seqs = [p.seq for p in preds]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)  # in order, none twice
    assert preds[0].device == "CPU" and preds[-1].precision == "FP16"
    assert preds[-1].device == "AUTO"
    assert all(p.label == "none" for p in preds)  # no hand in the synthetic frames


def test_the_jpeg_landmark_model_is_optional_in_a_stages_folder(tmp_path):
    import json
    import shutil

    from rps.recognizers.hand.recognizer import DEFAULT_HAND_MODEL, DEFAULT_STAGES, load_hand

    stages = tmp_path / "stages"
    for part in ("palm", "landmarks"):
        shutil.copytree(DEFAULT_STAGES / part, stages / part)
    cls = tmp_path / "hand"
    shutil.copytree(DEFAULT_HAND_MODEL, cls)
    meta = json.loads((cls / "metadata.json").read_text())
    (cls / "metadata.json").write_text(json.dumps({**meta, "stages": str(stages)}))
    assert load_hand(cls).jpeg is None
    plain = load_hand(cls).stages()
    assert plain._lm_blocky is plain._lm  # MediaPipe's model reads every frame
    shipped = load_hand().stages()
    assert load_hand().jpeg is not None and shipped._lm_blocky is not shipped._lm
