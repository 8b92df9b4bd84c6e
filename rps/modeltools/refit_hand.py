"""Teach mode on landmarks: refit the hand gesture classifier on the player's own hands with
numpy, in a fraction of a second, without TensorFlow.

Only the classifier's last dense layer changes (the CNN's personalization, on a smaller
scale): the recorded hands and a few copies of each, turned a little out of the image plane
and jittered (a player holding still shows one view of a hand; the next throw is another),
go through the shipped layers below it with OpenVINO; a softmax regression on those 64
features starts from the shipped weights, is pulled back towards them, and rehearses stored
features of the original training hands (``anchors.npz``) so the classes the player did not
record keep working. The result is a complete classifier folder whose palm and landmark
stages stay the shipped MediaPipe IR, wherever the folder lives.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np
import openvino as ov

from rps.errors import RpsError
from rps.inference.modelfiles import load_model_files
from rps.modeltools import fitcheck
from rps.modeltools.dataset import scan
from rps.modeltools.hand_data import rotate3d
from rps.modeltools.personalize import (
    Head,
    checked_fit,
    features_model,
    load_anchors,
    read_head,
    save_personal,
)
from rps.recognizers.hand.features import batch
from rps.recognizers.hand.recognizer import HandModel, load_hand, read_classifier
from rps.userdata.marks import check_personal_out

COPIES = 8  # turned / jittered copies of each recorded hand
TURN_DEG = 20.0  # out of the image plane, each way: a player's own range, narrower than training's
JITTER = 0.02  # landmark noise, in hand lengths (wrist -> middle-finger base)
ANCHORS_PER_CLASS = 400  # training hands kept per class in anchors.npz (~200 kB)
MIN_COVERAGE = 0.7  # share of throw frames in which the palm detector must find a hand
LOW_COVERAGE = ("a hand was found in only {found:.0%} of the rock / paper / scissors frames "
                "(a dim or low-contrast camera?); personalize the CNN instead: rps personalize "
                "--recognizer cnn (in the game: play --recognizer cnn, then T)")


class FolderHands(NamedTuple):
    """Hands read from a recording: landmarks in frame pixels, class indices into the
    classifier's labels, and per class how many frames were read and how many had no hand."""

    landmarks: np.ndarray  # (N, 21, 3)
    labels: np.ndarray  # (N,)
    missed: dict[str, int]
    total: dict[str, int]


@dataclass(frozen=True)
class Refit:
    """What ``refit_hand`` did; ``seconds`` is the whole refit, model written."""

    out: Path
    frames: dict[str, int]  # recorded hands per class
    fit_accuracy: float  # of the recorded hands, by the new classifier
    seconds: float
    fit_seconds: float  # the numpy fit alone
    head: Head
    check: fitcheck.FitCheck  # held-out hands read right, against the replaced model


def hand_coverage(missed: Mapping[str, int], total: Mapping[str, int]) -> float:
    """Share of the throw frames (rock, paper, scissors: every class but ``none``, whose
    empty-room frames have no hand by design) in which a hand was found; 1.0 with none."""
    n = sum(v for c, v in total.items() if c != "none")
    return 1.0 - sum(v for c, v in missed.items() if c != "none") / n if n else 1.0


def coverage_problem(missed: Mapping[str, int], total: Mapping[str, int]) -> str | None:
    """One line for the player when too few frames had a hand to refit the landmark
    classifier (below MIN_COVERAGE), pointing to the CNN; None when coverage is fine."""
    found = hand_coverage(missed, total)
    return LOW_COVERAGE.format(found=found) if found < MIN_COVERAGE else None


def landmarks_of_folder(data: Path, model: str | Path | None = None,
                        core: ov.Core | None = None) -> FolderHands:
    """Each frame's most confident hand, read as the game reads a still image, from a
    folder of class sub-folders (``rps collect``'s layout). Not cached: a personal recording
    is a few hundred frames, read in seconds."""
    hand = load_hand(model, track=False)
    labels = hand.files.labels
    samples = scan(data)
    unknown = sorted({s.label for s in samples} - set(labels))
    if unknown:
        raise RpsError(f"{data}: classes {unknown} are not among the model's labels {labels}")
    stages = hand.stages(core or ov.Core())
    lms, ys = [], []
    missed: dict[str, int] = {}
    total: dict[str, int] = {}
    for s in samples:
        img = cv2.imread(str(s.path), cv2.IMREAD_COLOR)
        if img is None:
            raise RpsError(f"cannot read image {s.path}: not a readable image file")
        total[s.label] = total.get(s.label, 0) + 1
        hands = stages(img)  # most confident first
        if not hands:
            missed[s.label] = missed.get(s.label, 0) + 1
            continue
        lms.append(hands[0].landmarks.astype(np.float32))
        ys.append(labels.index(s.label))
    return FolderHands(np.stack(lms) if lms else np.zeros((0, 21, 3), np.float32),
                       np.array(ys, int), missed, total)


def penultimate(classifier: ov.Model, x: np.ndarray, core: ov.Core | None = None
                ) -> np.ndarray:
    """The classifier's last hidden layer for pose features ``x`` (N, 66), through OpenVINO
    in exact f32: the input of the layer that is refitted."""
    compiled = (core or ov.Core()).compile_model(features_model(classifier), "CPU",
                                                 {"INFERENCE_PRECISION_HINT": "f32"})
    return compiled(np.ascontiguousarray(x, np.float32))[0].reshape(len(x), -1)


def write_anchors(model_dir: Path, x: np.ndarray, y: np.ndarray,
                  per_class: int = ANCHORS_PER_CLASS, seed: int = 0,
                  core: ov.Core | None = None) -> Path:
    """``anchors.npz`` beside a classifier: the last hidden layer (float16) of up to
    ``per_class`` of its training samples per class (pose features ``x``, class indices
    ``y``), for ``refit_hand`` to rehearse. Train-split samples only, never held-out ones."""
    core = core or ov.Core()
    rng = np.random.default_rng(seed)
    keep = np.concatenate([rng.permutation(np.flatnonzero(y == c))[:per_class]
                           for c in np.unique(y)])
    f = penultimate(read_classifier(core, load_model_files(model_dir)), x[keep], core)
    path = model_dir / "anchors.npz"
    np.savez_compressed(path, features=f.astype(np.float16), labels=y[keep].astype(np.int8))
    return path


def varied(landmarks: np.ndarray, copies: int, rng: np.random.Generator) -> np.ndarray:
    """Pose features of each hand and of ``copies`` turned, jittered copies of it (copy k of
    every hand after all the hands of copy k - 1)."""
    xs = [batch(list(landmarks))]
    for _ in range(copies):
        xs.append(batch([rotate3d(lm, rng, TURN_DEG) + rng.normal(0, JITTER, lm.shape)
                         for lm in landmarks]))
    return np.concatenate(xs)


def refit_hand(landmarks: np.ndarray, y: np.ndarray, model: str | Path | None, out: Path, *,
               core: ov.Core | None = None, copies: int = COPIES, l2: float = 1e-3,
               seed: int = 0) -> Refit:
    """Refit ``model``'s (default: the shipped models/rps-hand) last layer on the player's
    hands and write the result to ``out``, swapped in whole (a running game may load it).

    ``landmarks``: (N, 21, 3) as the hand recognizer reports them (``Hand.landmarks``, frame
    pixels; any scale works, the features do not depend on it); ``y``: each hand's class
    as an index into the classifier's labels (``labels.txt``: none rock paper scissors for
    the shipped one). Frames without a hand are simply not passed: an empty room reads as
    ``none`` with no classifier. Meant for a background thread (the fit is many small numpy
    steps, so the GIL changes hands between them and the window keeps drawing); then
    ``load_hand(out)`` and hot-swap it. ``seconds`` excludes reading landmarks.

    Nothing is written unless the refit, fitted k times with a block of the hands held out,
    reads the held-out hands at least as well as ``model`` does (else
    ``fitcheck.RefitRefused``).
    """
    t0 = time.perf_counter()
    landmarks, y = np.asarray(landmarks, np.float32), np.asarray(y, int).reshape(-1)
    if landmarks.ndim != 3 or landmarks.shape[1:] != (21, 3) or len(landmarks) != len(y):
        raise RpsError(f"need (N, 21, 3) landmarks and N labels, got {landmarks.shape} "
                       f"and {y.shape}")
    hand: HandModel = load_hand(model)
    files = hand.files
    if not len(y):
        raise RpsError("no hand in any recorded frame: nothing to learn from")
    if y.min() < 0 or y.max() >= len(files.labels):
        raise RpsError(f"class indices must be 0..{len(files.labels) - 1} ({files.labels})")
    core = core or ov.Core()
    base = read_classifier(core, files)
    prior = read_head(base)
    x = varied(landmarks, copies, np.random.default_rng(seed))
    f = penultimate(base, x, core)
    t_fit = time.perf_counter()
    anchors = load_anchors(files)

    head, check = checked_fit(f, np.tile(y, copies + 1), y, copies, False, anchors, prior, l2,
                              model)
    t_fit = time.perf_counter() - t_fit
    fitted = float((head.scores(f[:len(y)]).argmax(1) == y).mean())
    stored = files.root / "anchors.npz"
    counts = save_personal(out, files, base, head, y, fitted, core,
                           (stored,) if stored.is_file() else (),
                           # absolute: "../mediapipe-hands" means nothing in a user-data folder
                           stages=str(hand.palm.root.parent.resolve()),
                           kfold=check.figures)
    seconds = time.perf_counter() - t0
    return Refit(out, counts, fitted, seconds, t_fit, head, check)


def personalize_hand(data: Path, model: str | Path | None, out: Path, *, l2: float = 1e-3,
                     core: ov.Core | None = None) -> Refit:
    """`rps personalize --recognizer hand`: read the hands of a recording, refuse when the
    palm detector missed too many of them (the CNN then is the way), refit, say what it did."""
    check_personal_out(out, data)  # before seconds of reading landmarks, as is the model
    core = core or ov.Core()
    read_classifier(core, load_hand(model).files)
    t0 = time.perf_counter()
    hands = landmarks_of_folder(data, model, core)
    t_read = time.perf_counter() - t0
    problem = coverage_problem(hands.missed, hands.total)
    if problem is not None:
        raise RpsError(f"{data}: {problem}")
    r = refit_hand(hands.landmarks, hands.labels, model, out, core=core, l2=l2)
    print(f"personal hand model {out}: {len(hands.labels)} hands {r.frames} of "
          f"{sum(hands.total.values())} frames, landmarks {t_read:.1f} s, refit "
          f"{r.seconds * 1000:.0f} ms, fits its hands at {r.fit_accuracy:.1%}, "
          f"{r.check.figures}")
    return r
