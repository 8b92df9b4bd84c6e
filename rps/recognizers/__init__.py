"""Recognizers: what turns a frame into a Prediction.

Owns: the CNN classifier (``cnn``), and the recognizer a command picks by name. Each
implements ``rps.types.RecognizerModel`` / ``Recognizer`` so the engine can serve it.
May import: ``rps.inference``, ``rps.types``, ``rps.errors``.
"""

from __future__ import annotations

from pathlib import Path

from rps.errors import RpsError
from rps.types import RecognizerModel

RECOGNIZERS = ("cnn",)


def load_recognizer(kind: str = "cnn", model: str | Path | None = None) -> RecognizerModel:
    """The recognizer a command asked for, with its model folder (default: the shipped one)."""
    if kind == "cnn":
        from rps.recognizers.cnn import load_cnn

        return load_cnn(model)
    raise RpsError(f"unknown recognizer {kind!r}: use one of {', '.join(RECOGNIZERS)}")
