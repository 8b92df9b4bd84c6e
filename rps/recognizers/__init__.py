"""Recognizers: what turns a frame into a Prediction.

Owns: the hand pipeline (``hand``: MediaPipe palm + landmarks + a gesture classifier), the
CNN classifier (``cnn``), and the registry that names them: commands, the window and
teach mode load a recognizer by its name here and then only ask it (``rps.types``
``RecognizerModel``), so a new recognizer is one module and one ``register`` call.
May import: ``rps.inference``, ``rps.types``, ``rps.errors``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rps.errors import RpsError
from rps.types import RecognizerModel


@dataclass(frozen=True)
class LoadOptions:
    """How a command wants a recognizer read frames (options a recognizer may ignore)."""

    max_hands: int = 1  # hands per frame, for a recognizer that reads hands
    track: bool = True  # False: every frame a still image (evaluating a folder)
    realtime: bool = True  # False: a stream may spend any time on a frame (evaluating)


@dataclass(frozen=True)
class RecognizerKind:
    """One kind of recognizer: how to load its model folder (None: the shipped one), what
    `--recognizer` says of it, and where its personal model lives in the user's models.
    ``refit`` is for a kind from outside rps: how teach mode personalizes it
    (``rps.modeltools.personal``, which holds the built-in kinds' refits)."""

    name: str
    load: Callable[[str | Path | None, LoadOptions], RecognizerModel]
    help: str
    personal: str = ""  # folder name under the user's models ("" : not taught)
    refit: Callable[..., Any] | None = None


def _load_hand(model: str | Path | None, options: LoadOptions) -> RecognizerModel:
    from rps.recognizers.hand.recognizer import load_hand

    return load_hand(model, max_hands=options.max_hands, track=options.track,
                     realtime=options.realtime)


def _load_cnn(model: str | Path | None, options: LoadOptions) -> RecognizerModel:
    from rps.recognizers.cnn import load_cnn

    return load_cnn(model)


class Registry:
    """The recognizers commands may name, the default first."""

    def __init__(self, kinds: list[RecognizerKind]):
        self._kinds = {k.name: k for k in kinds}

    def names(self) -> tuple[str, ...]:
        return tuple(self._kinds)

    def kinds(self) -> list[RecognizerKind]:
        return list(self._kinds.values())

    @property
    def default(self) -> str:
        return next(iter(self._kinds))

    def get(self, name: str) -> RecognizerKind:
        if name not in self._kinds:
            raise RpsError(f"unknown recognizer {name!r}: use one of {', '.join(self._kinds)}")
        return self._kinds[name]

    def load(self, name: str | None = None, model: str | Path | None = None, *,
             max_hands: int = 1, track: bool = True, realtime: bool = True
             ) -> RecognizerModel:
        """The recognizer ``name`` (default: the first) with its model folder (default:
        the shipped one)."""
        return self.get(name or self.default).load(model, LoadOptions(max_hands, track,
                                                                      realtime))

    def register(self, kind: RecognizerKind) -> None:
        """Add a recognizer (a plug-in): commands, the window and teach mode then offer it."""
        if kind.name in self._kinds:
            raise RpsError(f"a recognizer named {kind.name!r} is already registered")
        self._kinds[kind.name] = kind

    @contextmanager
    def registered(self, kind: RecognizerKind) -> Iterator[RecognizerKind]:
        """``kind`` among the recognizers for the block only (a test's fake)."""
        self.register(kind)
        try:
            yield kind
        finally:
            del self._kinds[kind.name]


RECOGNIZERS = Registry([  # the first reads real webcams best (README, Results)
    RecognizerKind("hand", _load_hand, "MediaPipe hand landmarks + a gesture classifier "
                   "(reads real webcams best)", personal="personal-hand"),
    RecognizerKind("cnn", _load_cnn, "the MobileNet classifier on the whole frame",
                   personal="personal"),
])


def load_recognizer(kind: str | None = None, model: str | Path | None = None, *,
                    max_hands: int = 1, track: bool = True, realtime: bool = True
                    ) -> RecognizerModel:
    """The recognizer a command asked for, with its model folder (default: the shipped one).
    ``track=False`` reads every frame as a still image (evaluating a folder);
    ``realtime=False`` lets a stream search fully on every new view and the frames just
    after it lost a hand (no frame budget)."""
    return RECOGNIZERS.load(kind, model, max_hands=max_hands, track=track, realtime=realtime)
