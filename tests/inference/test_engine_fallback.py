"""The engine's fall-back from a remote device, without a server: a backend whose
``remote:`` device runs OpenVINO on the CPU until it is told the server is gone, then fails
every call as a dead server does. Runs without the serve extra."""

from __future__ import annotations

import time

import pytest

from rps.capture import DEMO_CLIP, open_source
from rps.errors import RpsError
from rps.inference.backend import DeviceInfo
from rps.inference.ov_backend import OpenVinoBackend
from rps.pipeline import Pipeline
from rps.recognizers import load_recognizer

REMOTE = "remote:fake:1"


class _Request:
    def __init__(self, real, backend: FlakyBackend):
        self._real, self._backend = real, backend

    def _check(self) -> None:
        if self._backend.down:
            raise RuntimeError("[StatusCode.UNAVAILABLE] failed to connect to all addresses")

    def infer(self, inputs):
        self._check()
        return self._real.infer(inputs)

    def start_async(self, inputs):
        self._check()
        self._real.start_async(inputs)

    def __getattr__(self, name):
        return getattr(self._real, name)


class _Compiled:
    def __init__(self, real, backend: FlakyBackend):
        self._real, self._backend = real, backend
        self.outputs = real.outputs

    def create_infer_request(self):
        return _Request(self._real.create_infer_request(), self._backend)


class FlakyBackend(OpenVinoBackend):
    """CPU, and a remote device that is OpenVINO on the CPU while ``down`` is False."""

    down = False

    def devices(self) -> list[DeviceInfo]:
        return [*super().devices(), DeviceInfo(REMOTE, "a server that can die")]

    def describe(self, device: str) -> str:
        return device if device == REMOTE else super().describe(device)

    def validate(self, device: str) -> str:
        return device if device == REMOTE else super().validate(device)

    def compile(self, model, device, precision, settings=None):
        if device == REMOTE:
            return _Compiled(super().compile(model, "CPU", precision, settings), self)
        return super().compile(model, device, precision, settings)


def _until(pipe: Pipeline, done, seconds: float = 60.0) -> list:
    seen, deadline = [], time.monotonic() + seconds
    while not done(seen):
        assert time.monotonic() < deadline, [(e.kind, e.device) for e in seen]
        pipe.take(0.05)
        seen += pipe.events()
    return seen


@pytest.mark.parametrize("start", ["CPU", REMOTE])
def test_a_lost_remote_device_falls_back_to_the_local_one(start):
    """Started local (the local recognizer is kept while the remote serves) or remote (it is
    compiled in the background): either way the loss is an event, not an error, and the
    CPU serves next."""
    backend = FlakyBackend()
    with Pipeline(open_source(DEMO_CLIP), load_recognizer("hand"), start, "FP16", loop=True,
                  backend=backend) as pipe:
        if start == "CPU":
            pipe.switch(REMOTE)
        _until(pipe, lambda _: pipe.device == REMOTE and pipe.engine.standby is not None)
        pipe.take(0)
        backend.down = True
        events = _until(pipe, lambda seen: any(e.kind == "ready" for e in seen))
        pipe.check()  # nothing raised: the failed frames were dropped, not errors
        assert [e.kind for e in events] == ["lost", "ready"]
        assert events[0].device == REMOTE and "UNAVAILABLE" in events[0].message
        assert events[1].device == "CPU" and events[1].message == "kept ready"
        _until(pipe, lambda _: pipe.device == "CPU")
        backend.down = False  # the server is back: switching to it works again
        pipe.switch(REMOTE)
        _until(pipe, lambda _: pipe.device == REMOTE)
    assert pipe.threads_alive() == []


def test_the_standby_follows_a_remote_switch_of_precision():
    """A remote-to-remote switch of precision (or model, as teach mode's) compiles a new
    standby: losing the server then serves the precision asked for, not the old one."""
    backend = FlakyBackend()
    with Pipeline(open_source(DEMO_CLIP), load_recognizer("hand"), "CPU", "FP16", loop=True,
                  backend=backend) as pipe:
        pipe.switch(REMOTE)
        _until(pipe, lambda _: pipe.device == REMOTE and pipe.engine.standby is not None)
        pipe.switch(precision="FP32")

        def ready(_) -> bool:
            standby = pipe.engine.standby
            return pipe.precision == "FP32" and standby is not None and \
                standby.precision == "FP32"

        _until(pipe, ready)
        backend.down = True
        events = _until(pipe, lambda seen: any(e.kind == "ready" for e in seen))
        ready_event = next(e for e in events if e.kind == "ready")
        assert (ready_event.device, ready_event.precision, ready_event.message) == (
            "CPU", "FP32", "kept ready")
        pipe.check()
    assert pipe.threads_alive() == []


class NoLocalBackend(FlakyBackend):
    """The remote device works until ``down``; no local device compiles an image stage (the
    classifier of landmarks runs locally either way)."""

    def compile(self, model, device, precision, settings=None):
        if device != REMOTE and model.input(0).get_partial_shape().rank.get_length() == 4:
            raise RuntimeError("out of memory")
        return super().compile(model, device, precision, settings)


def test_a_loss_with_no_local_fallback_is_an_error_not_silence():
    """The dead remote would drop every frame without a word: the pipeline raises one line
    naming the loss and the failed fallback instead."""
    backend = NoLocalBackend()
    with Pipeline(open_source(DEMO_CLIP), load_recognizer("hand"), REMOTE, "FP16", loop=True,
                  backend=backend) as pipe:
        _until(pipe, lambda _: pipe.device == REMOTE)
        backend.down = True
        deadline = time.monotonic() + 60
        with pytest.raises(RpsError, match=r"lost remote:fake:1 .*UNAVAILABLE.* local "
                                           r"fallback failed: .*out of memory"):
            while time.monotonic() < deadline:
                pipe.take(0.05)
                pipe.check()
    assert pipe.threads_alive() == []
