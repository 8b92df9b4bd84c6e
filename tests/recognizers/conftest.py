"""Shared fixtures of the recognizer tests."""

from __future__ import annotations

import pytest

from rps.inference.backend import open_backend
from rps.recognizers import load_recognizer
from rps.types import RingSettings


@pytest.fixture(scope="module")
def reader():
    """The shipped hand recognizer reading stills, as `rps eval` does (it reads any size)."""
    model = load_recognizer("hand", track=False, realtime=False)
    return model.build(open_backend(), "CPU", model.default_precision, (480, 640),
                       RingSettings())


@pytest.fixture(scope="module")
def mediapipe_reader():
    """The same, with MediaPipe's landmark model on every frame (no model for blocky ones):
    for what the tracker does around the first reading of a blocky frame."""
    from dataclasses import replace

    model = replace(load_recognizer("hand", track=False, realtime=False), jpeg=None)
    return model.build(open_backend(), "CPU", model.default_precision, (480, 640),
                       RingSettings())
