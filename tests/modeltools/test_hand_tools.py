"""Model tools of the hand recognizer: .tflite conversion, `rps eval --data`, training data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rps.errors import ModelError
from rps.modeltools.convert_tflite import convert_tflite
from rps.modeltools.hand_data import NOT_THROWS, THROWS, HandSet, none_poses
from rps.modeltools.train_hand import read_as
from rps.recognizers.hand.features import canonical
from rps.types import CLASSES

ROOT = Path(__file__).resolve().parents[2]
SHARED_TFLITE = ROOT.parent / "shared" / "models" / "mediapipe-hands"
FIXTURES = ROOT / "tests" / "fixtures" / "rps-cgi"


def _rps(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rps", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=dict(os.environ))


@pytest.mark.skipif(not SHARED_TFLITE.is_dir(), reason="needs ../shared/models/mediapipe-hands")
def test_tflite_converts_to_ir_with_credit(tmp_path):
    meta = convert_tflite(SHARED_TFLITE / "palm_detection_lite.tflite", tmp_path / "palm")
    assert meta["kind"] == "palm" and "Apache-2.0" in meta["credit"]
    for p in ("FP32", "FP16"):
        assert (tmp_path / "palm" / p / "model.xml").is_file()
    meta = convert_tflite(SHARED_TFLITE / "hand_landmark_lite.tflite", tmp_path / "lm")
    assert meta["kind"] == "landmarks"


def test_a_corrupt_tflite_is_one_clear_line(tmp_path):
    bad = tmp_path / "hand.tflite"
    bad.write_bytes(b"\x1c\0\0\0TFL3 but no flatbuffer after it" * 10)
    r = _rps("convert", str(bad), "--out", str(tmp_path / "out"), "-p", "FP32")
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "corrupt or not a TFLite model" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_a_tflite_that_is_not_a_hand_model_is_refused(tmp_path):
    import openvino as ov
    from openvino import opset13 as ops

    from rps.modeltools.convert_tflite import kind_of

    x = ops.parameter([1, 8], ov.Type.f32)
    with pytest.raises(ModelError, match="not a MediaPipe palm detector or hand landmark"):
        kind_of(ov.Model([ops.relu(x)], [x]), tmp_path / "other.tflite")


def test_eval_data_reads_a_folder_the_way_the_game_does(tmp_path):
    out = tmp_path / "r.json"
    r = _rps("eval", "--data", str(FIXTURES), "--json", str(out))
    assert r.returncode == 0, r.stderr
    got = json.loads(out.read_text())
    assert got["n"] == 18 and set(got["per_class"]) == {"rock", "paper", "scissors"}
    assert sum(sum(row.values()) for row in got["confusion"].values()) == 18
    hits = sum(got["confusion"][c][c] for c in got["per_class"])
    assert got["accuracy"] == pytest.approx(hits / 18)
    assert got["accuracy"] >= 15 / 18  # the CGI hands are easy for the landmark reader
    assert "rps-cgi" in r.stdout and "scissors" in r.stdout


def test_recombined_none_poses_fold_the_fingers_asked_for():
    rng = np.random.default_rng(0)

    def skeleton(tip_y: float) -> np.ndarray:
        """Wrist at the origin, five finger bases at y = -90, joints up to ``tip_y``."""
        pts = [[0.0, 0.0, 0.0]]
        for base_x in (-40, -25, 0, 22, 42):
            pts += [[base_x, -90 + (tip_y + 90) * k / 3, 0.0] for k in range(4)]
        return np.array(pts)

    ext, folded = skeleton(-190), skeleton(-100)
    hands = HandSet(np.stack([folded, ext]), np.array([CLASSES.index("rock"),
                                                       CLASSES.index("paper")]), [], 0)
    poses = none_poses(hands, 50, rng)
    assert poses.shape == (50, 21, 3)
    assert len(NOT_THROWS) == 13 and not set(NOT_THROWS) & set(THROWS.values())
    reach = np.stack([np.linalg.norm(canonical(p)[[8, 12, 16, 20], :2], axis=1) for p in poses])
    patterns = {tuple(int(v) for v in r > 1.5) for r in reach}
    assert patterns <= set(NOT_THROWS) and len(patterns) > 5


def test_training_landmarks_are_read_once_then_come_from_the_cache(tmp_path):
    from rps.modeltools.hand_data import read_folder

    first = read_folder(FIXTURES, tmp_path)
    assert len(first.paths) + first.missed == sum(1 for _ in FIXTURES.rglob("*.jpg"))
    assert first.landmarks.shape[1:] == (21, 3) and len(first.paths) >= 2
    cached = list(tmp_path.glob("*.npz"))
    assert len(cached) == 1
    again = read_folder(FIXTURES, tmp_path)
    np.testing.assert_array_equal(again.landmarks, first.landmarks)
    assert list(tmp_path.glob("*.npz")) == cached  # the same key: read from the cache


def test_leave_one_source_out_says_what_each_class_was_read_as():
    none, rock, paper = (CLASSES.index(c) for c in ("none", "rock", "paper"))
    truth = np.array([none] * 4 + [rock] * 2)
    got = np.array([none, rock, rock, paper, rock, none])
    out = read_as(truth, got)
    assert set(out) == {"none", "rock"}  # only the classes the source has
    assert out["none"] == {"none": 0.25, "rock": 0.5, "paper": 0.25, "scissors": 0.0}
    assert out["rock"]["rock"] == 0.5 and out["rock"]["none"] == 0.5
