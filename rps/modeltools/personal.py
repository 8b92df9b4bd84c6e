"""Personal models, one home: where each recognizer's lives, loading it, and refitting it on
the player's recording (teach mode and `rps personalize`).

The window only asks: ``fallback`` (which recognizer reads whole frames, for a room
where hands are not found), ``refit`` and ``load_personal``. A refit is written only when
it reads the recording's held-out frames at least as well as the model it replaces
(``rps.modeltools.fitcheck``). How a kind is refitted is here for the built-in ones (the
hand classifier's last layer on the recorded landmarks, the CNN's head on the frames) and
in its registry entry for others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rps.errors import RpsError
from rps.modeltools.fitcheck import FitCheck
from rps.recognizers import RECOGNIZERS
from rps.types import RecognizerModel
from rps.userdata import personal_model

Refit = Callable[[RecognizerModel | None, "Recording", Path], object]


@dataclass(frozen=True)
class Recording:
    """What teach mode recorded: the frames' folder (class sub-folders) and, read by a
    recognizer of hands, each recorded hand's landmarks with its class."""

    folder: Path
    hands: tuple[tuple[np.ndarray, str], ...] = ()


def personal_dir(kind: str) -> Path:
    """Where the personal model of ``kind`` is written (RpsError: a kind never taught)."""
    folder = RECOGNIZERS.get(kind).personal
    if not folder:
        raise RpsError(f"the {kind} recognizer has no personal model")
    return personal_model(folder)


def load_personal(kind: str, like: RecognizerModel | None = None) -> RecognizerModel:
    """The player's personal model of ``kind``, reading as many hands as ``like`` does
    (RpsError when there is none yet)."""
    model = RECOGNIZERS.load(kind, personal_dir(kind))
    return model.with_hands(like.max_hands) if like is not None and like.max_hands else model


def fallback(model: RecognizerModel) -> str | None:
    """A teachable recognizer that reads whole frames, for a recording whose hands
    ``model`` missed; None when there is none."""
    for kind in RECOGNIZERS.kinds():
        if kind.name != model.kind and kind.personal:
            other = RECOGNIZERS.load(kind.name)
            if other.teachable and not other.max_hands:
                return kind.name
    return None


def refit(shipped: RecognizerModel, recording: Recording, kind: str | None = None
          ) -> tuple[RecognizerModel, FitCheck | None]:
    """Refit ``kind`` (default: the shipped model's own) on ``recording``, starting from
    ``shipped`` when it is of that kind (else that kind's shipped model); write it to its
    personal folder, swapped in whole; return it, loaded like ``shipped``, with the fit
    figures when the refit gives them (``fitcheck.RefitRefused``: kept the old one)."""
    kind = kind or shipped.kind
    entry = RECOGNIZERS.get(kind)
    how = entry.refit or _builtin_refits().get(kind)
    if how is None or not shipped.teachable:
        raise RpsError(f"the {kind} recognizer cannot be taught")
    done = how(shipped if shipped.kind == kind else None, recording, personal_dir(kind))
    return load_personal(kind, like=shipped), done if isinstance(done, FitCheck) else None


def personalize_folder(kind: str, data: Path, model: Path | None, out: Path, l2: float
                       ) -> None:
    """`rps personalize`: refit ``kind`` on a recording folder."""
    if kind == "hand":  # the landmarks of the frames first, then the classifier
        from rps.modeltools.refit_hand import personalize_hand

        personalize_hand(data, model, out, l2=l2)
        return
    if kind not in _builtin_refits():
        raise RpsError(f"rps personalize cannot refit the {kind} recognizer")
    from rps.modeltools.personalize import personalize

    personalize(data, model, out, l2=l2)


def _refit_hands(base: RecognizerModel | None, recording: Recording, out: Path) -> FitCheck:
    from rps.modeltools.refit_hand import refit_hand

    labels = (base or RECOGNIZERS.load("hand")).labels
    lms = np.stack([lm for lm, _ in recording.hands]) if recording.hands else \
        np.zeros((0, 21, 3), np.float32)
    y = np.array([labels.index(c) for _, c in recording.hands], int)
    return refit_hand(lms, y, base.root if base is not None else None, out).check


def _refit_frames(base: RecognizerModel | None, recording: Recording, out: Path) -> FitCheck:
    from rps.modeltools.personalize import personalize

    return personalize(recording.folder, base.root if base is not None else None, out)["check"]


def _builtin_refits() -> dict[str, Refit]:
    return {"hand": _refit_hands, "cnn": _refit_frames}
