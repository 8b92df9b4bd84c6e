"""Is a refit better than the model it replaces? k-fold over the player's own recording.

A refit that fits its own frames says nothing about the next throw (a CNN refit that fitted
its frames at 52% was swapped in and then read a clear fist as none), so each refit is
also fitted k times with one block of the recording held out, and the held-out frames it
reads right are compared with what the model the refit starts from reads right on the same
frames. That model never saw them, so both figures are of unseen frames; a personal model
taught before may have trained on these very frames (a recording folder grows over
sessions), which would make it an unfair yardstick, so it is not one. The folds are
consecutive runs of each class, not a shuffle: neighbouring frames of one recording look
alike, and a shuffle would let a frame's neighbour answer for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rps.errors import RpsError
from rps.inference.modelfiles import SHIPPED_MODELS

FOLDS = 5


@dataclass(frozen=True)
class FitCheck:
    """Held-out frames read right by the refit (k-fold) and by the model it starts from."""

    refit: int
    current: int
    frames: int
    folds: int
    against: str = "current"  # what the model the refit starts from is called

    @property
    def ok(self) -> bool:
        return self.refit >= self.current

    @property
    def figures(self) -> str:
        return (f"k-fold {self.refit}/{self.frames} vs {self.against} "
                f"{self.current}/{self.frames}")


class RefitRefused(RpsError):
    """The refit read the held-out frames worse than the model it would replace: nothing
    was written, the old model stays."""

    def __init__(self, check: FitCheck):
        super().__init__(f"kept the {check.against} model: the refit reads fewer of your "
                         f"frames it did not train on ({check.figures})")
        self.check = check


def folds(y: np.ndarray, k: int = FOLDS) -> np.ndarray:
    """A fold index per sample: each class's samples, in recording order, cut into ``k``
    consecutive runs; a class with fewer than ``k`` samples goes one per fold (with two or
    more per class, every fold trains on every class)."""
    y = np.asarray(y).reshape(-1)
    out = np.zeros(len(y), int)
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        out[idx] = np.arange(len(idx)) * k // max(len(idx), k)
    return out


def kfold_correct(y: np.ndarray, fit_predict: Callable[[np.ndarray, np.ndarray], np.ndarray],
                  k: int = FOLDS) -> tuple[int, int]:
    """(held-out samples predicted right, folds used): ``fit_predict(train_idx, test_idx)``
    fits on the one and returns class indices for the other."""
    y = np.asarray(y).reshape(-1)
    if len(y) < 2:
        raise RpsError(f"{len(y)} frame(s) recorded: too few to check a refit on frames it "
                       "did not train on")
    counts = np.unique(y, return_counts=True)[1]
    if counts.min() < 2:  # then some fold would train without that class, or on nothing
        raise RpsError(f"record at least 2 frames of each class ({counts.min()} of one "
                       "is too few to check a refit on frames it did not train on)")
    k = min(k, len(y))
    f = folds(y, k)
    right, used = 0, 0
    for i in range(k):
        test, train = np.flatnonzero(f == i), np.flatnonzero(f != i)
        if not len(test):
            continue
        used += 1
        if set(y[test]) <= set(y[train]):  # else a held-out class was never taught: all wrong
            right += int((fit_predict(train, test) == y[test]).sum())
    return right, used


def check(y: np.ndarray, fit_predict: Callable[[np.ndarray, np.ndarray], np.ndarray],
          current: np.ndarray, against: str = "current", k: int = FOLDS) -> FitCheck:
    """The refit's k-fold reading against ``current`` (class indices the model it starts
    from reads for the same samples)."""
    y = np.asarray(y).reshape(-1)
    right, used = kfold_correct(y, fit_predict, k)
    return FitCheck(right, int((np.asarray(current) == y).sum()), len(y), used, against)


def name_of(model: str | Path | None) -> str:
    """How the figures call the model a refit starts from: "shipped" for the packaged one."""
    if model is None or Path(model).resolve().parent == SHIPPED_MODELS.resolve():
        return "shipped"
    return Path(model).name


def rows(idx: np.ndarray, n: int, copies: int, interleaved: bool) -> np.ndarray:
    """Feature rows of samples ``idx`` and their augmented copies, for features laid out as
    the ``n`` originals then the copies: copy j of sample i at ``n + i * copies + j``
    (``interleaved``) or at ``n * (j + 1) + i``."""
    idx = np.asarray(idx, int)
    if interleaved:
        extra = (n + idx[:, None] * copies + np.arange(copies)[None]).reshape(-1)
    else:
        extra = (n * np.arange(1, copies + 1)[:, None] + idx[None]).reshape(-1)
    return np.concatenate([idx, extra])
