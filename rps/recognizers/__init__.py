"""Recognizers: what turns a frame into a Prediction.

Owns: the hand pipeline (``hand``: MediaPipe palm + landmarks + a gesture classifier), the
CNN classifier (``cnn``), and the recognizer a command picks by name. Each
implements ``rps.types.RecognizerModel`` / ``Recognizer`` so the engine can serve it.
May import: ``rps.inference``, ``rps.types``, ``rps.errors``.
"""

from __future__ import annotations

from pathlib import Path

from rps.errors import RpsError
from rps.types import RecognizerModel

RECOGNIZERS = ("hand", "cnn")  # the first reads real webcams best (README, Results)


def load_recognizer(kind: str = "hand", model: str | Path | None = None, *, max_hands: int = 1,
                    track: bool = True, realtime: bool = True) -> RecognizerModel:
    """The recognizer a command asked for, with its model folder (default: the shipped one).
    ``track=False`` reads every frame as a still image (evaluating a folder);
    ``realtime=False`` lets a stream search every frame fully (no frame budget)."""
    if kind == "hand":
        from rps.recognizers.hand.recognizer import load_hand

        return load_hand(model, max_hands=max_hands, track=track, realtime=realtime)
    if kind == "cnn":
        from rps.recognizers.cnn import load_cnn

        return load_cnn(model)
    raise RpsError(f"unknown recognizer {kind!r}: use one of {', '.join(RECOGNIZERS)}")
