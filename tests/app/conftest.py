"""The App on a started pipeline, for every window test: one fixture, closed and checked
for stray threads after each test, parametrized by recognizer where a test holds for all."""

from __future__ import annotations

import pytest

from rps.app.window import App
from rps.capture import DEMO_CLIP, open_source
from rps.game.history import History
from rps.pipeline import Pipeline
from rps.recognizers import load_recognizer


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """``make_app(model, source=None, backend=None, device=..., **App options)``."""
    apps: list[App] = []

    def make(model, source=None, *, backend=None, device="CPU", precision="FP32",
             **options) -> App:
        monkeypatch.setenv("RPS_DATA_DIR", str(tmp_path))
        pipe = Pipeline(source or open_source(DEMO_CLIP), model, device, precision, loop=True,
                        backend=backend).start()
        try:
            app = App(pipe, history=History(tmp_path / "history.json"), size=(640, 360),
                      **options)
        except BaseException:
            pipe.stop()
            raise
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.close()
        app.pipe.stop()
        assert app.pipe.threads_alive() == []


@pytest.fixture
def app(make_app, tiny_model) -> App:
    """The window on the small CNN (fast)."""
    return make_app(load_recognizer("cnn", tiny_model))


@pytest.fixture
def hand_app(make_app) -> App:
    """The window on the shipped hand recognizer."""
    return make_app(load_recognizer("hand"))


@pytest.fixture(params=["cnn", "hand"])
def any_app(request, make_app, tiny_model) -> App:
    """The window on each recognizer in turn."""
    model = tiny_model if request.param == "cnn" else None
    return make_app(load_recognizer(request.param, model))
