"""Teach mode on landmarks: the numpy refit of the hand classifier, its folder, and
`rps personalize --recognizer hand`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import openvino as ov
import pytest

from rps.errors import RpsError
from rps.inference.modelfiles import load_model_files
from rps.inference.ov_backend import OpenVinoBackend
from rps.modeltools.refit_hand import (
    MIN_COVERAGE,
    coverage_problem,
    hand_coverage,
    landmarks_of_folder,
    penultimate,
    refit_hand,
)
from rps.recognizers import load_recognizer
from rps.recognizers.hand.features import batch
from rps.recognizers.hand.recognizer import DEFAULT_HAND_MODEL, DEFAULT_STAGES, load_hand
from rps.recognizers.hand.tracker import Reading
from rps.types import CLASSES, RingSettings
from tests.fakes import gaps_while

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "rps-cgi"
REAL_DEV = ROOT.parent / "shared" / "data" / "rps-real-dev"
ROCK, PAPER, SCISSORS = (CLASSES.index(c) for c in ("rock", "paper", "scissors"))


@pytest.fixture(scope="module")
def hands():
    """The 18 attributed CGI hands of tests/fixtures (6 per throw), read as the game does."""
    return landmarks_of_folder(FIXTURES)


def _scores(model: Path | None, landmarks: np.ndarray, precision: str = "FP32") -> np.ndarray:
    """The classifier's scores through the recognizer the engine compiles."""
    rec = load_recognizer("hand", model).build(OpenVinoBackend(), "CPU", precision, (480, 640),
                                               RingSettings())
    return np.stack(rec.classify([Reading(lm, 1.0, 0.0, None) for lm in landmarks]))


def test_a_taught_label_wins_and_a_class_not_recorded_keeps_being_read(hands, tmp_path):
    """Scissors hands taught as rock (a player whose rock looks like that) read as rock
    afterwards; paper, not recorded at all, still reads as paper."""
    assert not hands.missed and len(hands.labels) == 18
    before = _scores(None, hands.landmarks).argmax(1)
    assert (before == hands.labels).mean() >= 15 / 18
    taught = np.flatnonzero(hands.labels != PAPER)
    y = np.where(hands.labels[taught] == SCISSORS, ROCK, hands.labels[taught])
    r = refit_hand(hands.landmarks[taught], y, None, tmp_path / "personal")
    assert r.frames == {"rock": 12} and r.fit_accuracy == 1.0
    after = _scores(tmp_path / "personal", hands.landmarks)
    assert (after[hands.labels == SCISSORS].argmax(1) == ROCK).all()
    paper = hands.labels == PAPER
    assert (after[paper].argmax(1) == before[paper]).all() and (before[paper] == PAPER).all()


def test_the_folder_loads_anywhere_compiles_and_matches_the_numpy_head(hands, tmp_path):
    out = tmp_path / "user-data" / "models" / "personal-hand"
    r = refit_hand(hands.landmarks, hands.labels, DEFAULT_HAND_MODEL, out)
    model = load_recognizer("hand", out)
    assert model.root == out and model.palm.root == DEFAULT_STAGES / "palm"
    assert {"FP32", "FP16"} <= set(model.files.variants) and (out / "anchors.npz").is_file()
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["personalized_from"] == str(DEFAULT_HAND_MODEL)
    assert meta["personal_frames"] == {"rock": 6, "paper": 6, "scissors": 6}
    ir = ov.Core().read_model(load_model_files(out).xml("FP32"))
    want = r.head.scores(penultimate(ir, batch(list(hands.landmarks))))
    assert np.allclose(_scores(out, hands.landmarks), want, atol=1e-4)
    assert np.allclose(_scores(out, hands.landmarks, "FP16"), want, atol=0.02)
    again = refit_hand(hands.landmarks[:3], hands.labels[:3], out, out)  # from itself
    assert again.out == out and sorted(p.name for p in out.parent.iterdir()) == [out.name]


def test_stages_resolve_relative_absolute_or_fall_back_to_the_shipped(tmp_path):
    folder = tmp_path / "models" / "mine"
    shutil.copytree(DEFAULT_HAND_MODEL, folder)
    meta_path = folder / "metadata.json"
    meta = json.loads(meta_path.read_text())
    for stages, want in (("../mediapipe-hands", DEFAULT_STAGES),  # nothing there: shipped
                         (str(tmp_path / "stages"), tmp_path / "stages"),
                         ("../../stages", tmp_path / "stages")):
        if stages != "../mediapipe-hands":
            shutil.copytree(DEFAULT_STAGES, tmp_path / "stages", dirs_exist_ok=True)
        meta_path.write_text(json.dumps({**meta, "stages": stages}))
        assert load_hand(folder).palm.root == want / "palm", stages


def test_bad_refit_input_is_a_clear_error(hands, tmp_path):

    with pytest.raises(RpsError, match="21, 3"):
        refit_hand(hands.landmarks[:, :, :2], hands.labels, None, tmp_path / "o")
    with pytest.raises(RpsError, match="no hand"):
        refit_hand(np.zeros((0, 21, 3)), np.zeros(0, int), None, tmp_path / "o")
    with pytest.raises(RpsError, match=r"0\.\.3"):
        refit_hand(hands.landmarks[:2], np.array([1, 7]), None, tmp_path / "o")
    assert not (tmp_path / "o").exists()


def test_coverage_counts_throw_frames_only():
    total = {"none": 20, "rock": 10, "paper": 10, "scissors": 10}
    assert hand_coverage({"none": 20}, total) == 1.0  # an empty room has no hand: fine
    assert hand_coverage({"rock": 3, "paper": 3, "scissors": 3}, total) == pytest.approx(0.7)
    assert coverage_problem({"rock": 3, "paper": 3, "scissors": 3}, total) is None
    line = coverage_problem({"rock": 10, "paper": 4}, total)
    assert hand_coverage({"rock": 10, "paper": 4}, total) < MIN_COVERAGE
    assert "--recognizer cnn" in line and "53%" in line and "\n" not in line
    assert hand_coverage({}, {}) == 1.0


def _rps(*args: str, data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "RPS_DATA_DIR": str(data)}
    return subprocess.run([sys.executable, "-m", "rps", *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env=env)


def _recording(root: Path) -> Path:
    """A few real webcam frames per class (rps-real-dev, when ../shared has it), else the
    CGI fixtures."""
    if not REAL_DEV.is_dir():
        return FIXTURES
    for c in CLASSES:
        (root / c).mkdir(parents=True)
        for p in sorted((REAL_DEV / c).glob("*.jpg"), key=lambda p: int(p.stem))[:3]:
            shutil.copy(p, root / c / p.name)
    return root


def test_personalize_cli_refits_the_hand_classifier_by_default(tmp_path):
    r = _rps("personalize", "--data", str(_recording(tmp_path / "rec")), data=tmp_path / "d")
    assert r.returncode == 0, r.stderr
    out = tmp_path / "d" / "models" / "personal-hand"
    assert "personal hand model" in r.stdout and str(out) in r.stdout
    assert load_recognizer("hand", out).files.metadata["fit_accuracy"] >= 0.9


def test_personalize_cli_too_few_hands_is_one_line_naming_the_cnn(tmp_path):
    rng = np.random.default_rng(0)
    for c in CLASSES:  # a dim grey camera: no hand anywhere
        (tmp_path / "rec" / c).mkdir(parents=True)
        for k in range(3):
            img = (40 + rng.integers(0, 6, (240, 320, 3))).astype(np.uint8)
            cv2.imwrite(str(tmp_path / "rec" / c / f"{k}.jpg"), img)
    r = _rps("personalize", "--data", str(tmp_path / "rec"), data=tmp_path / "d")
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1, r.stderr
    assert "--recognizer cnn" in lines[0] and "0%" in lines[0]
    assert "Traceback" not in r.stdout + r.stderr
    assert not (tmp_path / "d" / "models").exists()


def test_shipped_anchors_are_this_classifiers_own_training_features():
    from rps.modeltools.personalize import load_anchors, read_head

    files = load_model_files(DEFAULT_HAND_MODEL)
    f, y = load_anchors(files)
    assert f.shape == (1600, 64) and np.bincount(y).tolist() == [400] * 4
    head = read_head(ov.Core().read_model(files.xml("FP32")))
    assert (head.scores(f).argmax(1) == y).mean() > 0.99


def test_write_anchors_keeps_a_few_per_class(hands, tmp_path):
    from rps.modeltools.refit_hand import write_anchors

    folder = tmp_path / "hand"
    shutil.copytree(DEFAULT_HAND_MODEL, folder)
    x = np.tile(batch(list(hands.landmarks)), (3, 1))  # 54 samples
    y = np.repeat([0, 1, 2, 3], [6, 16, 16, 16])
    with np.load(write_anchors(folder, x, y, per_class=10)) as d:
        assert d["features"].dtype == np.float16 and d["features"].shape == (36, 64)
        assert np.isfinite(d["features"]).all()
        assert np.bincount(d["labels"]).tolist() == [6, 10, 10, 10]


def test_refitting_keeps_the_caller_responsive(hands, tmp_path):
    """The game refits on a worker thread while its display thread keeps ticking."""
    gaps = gaps_while(refit_hand, hands.landmarks, hands.labels, None, tmp_path / "o")
    assert len(gaps) > 5 and max(gaps) < 0.25
    assert (tmp_path / "o" / "FP16" / "model.xml").is_file()


def test_folds_are_consecutive_runs_of_each_class():
    from rps.modeltools.fitcheck import folds

    y = np.array([1] * 10 + [2] * 3)
    assert folds(y, 5).tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 0, 1, 2]


def test_few_sample_classes_never_leave_a_fold_without_training_data():
    """Two frames per class: each fold still trains on every class; one frame of a class is
    refused in one line (fold 0 used to hold out every such class, training on nothing)."""
    from rps.modeltools.fitcheck import kfold_correct

    with pytest.raises(RpsError, match="record at least 2 frames of each class"):
        kfold_correct(np.array([1, 2, 2]), lambda train, test: np.zeros(len(test)))
    y = np.array([1, 1, 2, 2, 3, 3])
    trained: list[set] = []

    def fit_predict(train, test):
        trained.append(set(y[train].tolist()))
        return y[test]

    assert kfold_correct(y, fit_predict) == (6, 2)  # two folds: one frame of each held out
    assert trained == [{1, 2, 3}] * 2


def test_refit_of_one_frame_per_class_is_one_clear_error(hands, tmp_path):
    i = [int(np.flatnonzero(hands.labels == c)[0]) for c in (1, 2)]
    with pytest.raises(RpsError, match="record at least 2 frames of each class"):
        refit_hand(hands.landmarks[i], hands.labels[i], None, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def _slipped(root: Path) -> Path:
    """A sloppy recording: every other frame of each throw shows the next throw (a player
    whose other gestures slipped into the class; the shipped model reads 9 of 18 right, a
    refit 4 held-out ones)."""
    throws = ("rock", "paper", "scissors")
    for k, c in enumerate(throws):
        (root / c).mkdir(parents=True)
        mine = sorted((FIXTURES / c).glob("*.jpg"))
        other = sorted((FIXTURES / throws[(k + 1) % 3]).glob("*.jpg"))
        for i, p in enumerate(mine):
            shutil.copy(other[i] if i % 2 == 0 else p, root / c / f"{i}.jpg")
    return root


def test_refit_refuses_a_worse_refit_with_a_message(tmp_path):
    from rps.modeltools.fitcheck import RefitRefused

    hands = landmarks_of_folder(_slipped(tmp_path / "rec"))
    with pytest.raises(RefitRefused, match=r"k-fold \d+/18 vs shipped \d+/18") as refused:
        refit_hand(hands.landmarks, hands.labels, None, tmp_path / "out")
    check = refused.value.check
    assert check.refit < check.current and check.folds == 5
    assert not (tmp_path / "out").exists()  # nothing written: the old model stays


def test_personalize_cli_refuses_a_worse_refit_with_one_line(tmp_path):
    r = _rps("personalize", "--data", str(_slipped(tmp_path / "rec")), data=tmp_path / "d")
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1, r.stderr
    assert "kept the shipped model" in lines[0] and "k-fold" in lines[0]
    assert "Traceback" not in r.stdout + r.stderr
    assert not (tmp_path / "d" / "models" / "personal-hand").exists()
