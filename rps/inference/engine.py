"""The engine: one compiled recognizer serving, results in frame order, and device /
precision / model switches compiled in the background.

It runs any recognizer (``rps.types.Recognizer``) compiled through any backend
(``rps.inference.backend``). A switch never stops the stream: the new recognizer compiles on
a worker thread while the old one keeps serving; at the next submit the old one is drained
(its results keep their place in the order) and the new one takes over. A remote device
that fails a frame is left for the last local one, kept compiled while the remote serves.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from functools import partial
from pathlib import Path

import cv2
import openvino as ov

from rps.errors import RpsError
from rps.inference.backend import Backend, open_backend
from rps.inference.core import HINTS, first_line
from rps.inference.fallback import EngineEvent, Fallback
from rps.inference.ov_backend import as_backend
from rps.inference.served import is_remote
from rps.types import Frame, Prediction, Recognizer, RecognizerModel, RingSettings


class Engine(Fallback):
    """Reads frames on one device at a time; delivers Predictions in submission order."""

    def __init__(self, model: RecognizerModel, device: str = "CPU", precision: str = "FP32", *,
                 frame_hw: tuple[int, int] = (480, 640), settings: RingSettings | None = None,
                 backend: Backend | ov.Core | None = None, cache_dir: Path | None = None):
        settings = settings or RingSettings()
        if settings.hint.upper() not in HINTS:
            raise RpsError(f"unknown hint {settings.hint!r}: use one of {', '.join(HINTS)}")
        self.frame_hw = frame_hw
        self.settings = RingSettings(settings.hint.upper(), 1 if settings.sync else settings.nireq,
                                     settings.perf_counters, settings.sync)
        self.backend = open_backend(cache_dir) if backend is None else as_backend(backend)
        self.error: str | None = None
        self._cond = threading.Condition()
        self._done: dict[int, Prediction | None] = {}
        self._out: deque[Prediction] = deque()
        self._next_in = 0
        self._next_out = 0
        self._events: deque[EngineEvent] = deque()
        self._pending: Recognizer | None = None
        self._target: tuple[str, str, RecognizerModel] | None = None
        self._compiling: tuple[str, str, RecognizerModel] | None = None  # the switcher's job
        self._closing = False
        self._switch_cond = threading.Condition()
        self._switcher: threading.Thread | None = None
        self.recognizer = self._build(device, precision, model)
        # Where a lost remote device falls back to: the last local device served.
        self.local_device = "CPU" if is_remote(self.recognizer.device) else \
            self.recognizer.device
        self._init_fallback()
        if is_remote(self.recognizer.device):
            self._want_standby()

    @property
    def model(self) -> RecognizerModel:
        """The model being served."""
        return self.recognizer.model

    def _build(self, device: str, precision: str, model: RecognizerModel) -> Recognizer:
        device = self.backend.validate(device)
        return model.build(self.backend, device, precision.upper(), self.frame_hw,
                           self.settings)

    # ---- the hot path --------------------------------------------------------------------
    def submit(self, frame: Frame) -> None:
        """Start reading a frame; blocks only while every request of the recognizer is busy."""
        if self._pending is not None:
            self._swap()
        if frame.image.shape[:2] != self.frame_hw and not self.recognizer.model.any_size:
            # a camera reopened at another size
            frame = Frame(frame.seq, frame.t_capture,
                          cv2.resize(frame.image, self.frame_hw[::-1]))
        idx = self._next_in
        self._next_in += 1
        recognizer = self.recognizer
        try:
            recognizer.start(frame, partial(self._on_done, idx, recognizer.device))
        except Exception as exc:  # the frame keeps its place in the order, as a failure
            self._on_done(idx, recognizer.device,
                          f"inference failed on {recognizer.device}: {first_line(exc)}")
        if self.settings.sync:
            recognizer.wait_all()

    def _on_done(self, idx: int, device: str, result: Prediction | str) -> None:
        pred: Prediction | None = None
        if isinstance(result, str) and is_remote(device):
            self._fall_back(device, result)
        elif isinstance(result, str):
            self.error = result
        else:
            pred = result
        with self._cond:
            self._done[idx] = pred
            while self._next_out in self._done:
                p = self._done.pop(self._next_out)
                self._next_out += 1
                if p is not None:
                    self._out.append(p)
            self._cond.notify_all()

    def get(self, timeout: float | None = None) -> Prediction | None:
        """The next prediction in order, waiting up to ``timeout`` seconds."""
        with self._cond:
            if not self._out:
                self._cond.wait_for(lambda: bool(self._out) or self.error is not None, timeout)
            return self._out.popleft() if self._out else None

    def take(self, timeout: float | None = None) -> list[Prediction]:
        """Wait up to ``timeout`` for a prediction, then return all that are ready, in order
        (one wake-up for a burst of results)."""
        with self._cond:
            if not self._out:
                self._cond.wait_for(lambda: bool(self._out), timeout)
            out = list(self._out)
            self._out.clear()
            return out

    def poll(self) -> list[Prediction]:
        """Every prediction ready now, in order, without waiting."""
        return self.take(0)

    @property
    def undelivered(self) -> int:
        """Frames submitted whose prediction the consumer has not taken yet."""
        with self._cond:
            return self._next_in - self._next_out + len(self._out)

    def drain(self) -> None:
        """Wait for every submitted frame's result."""
        self.recognizer.wait_all()

    # ---- switching -----------------------------------------------------------------------
    def request_switch(self, device: str | None = None, precision: str | None = None,
                       model: RecognizerModel | None = None) -> None:
        """Compile another device, precision or model in the background; the latest
        request wins. A new model without the current precision is served in FP32."""
        with self._switch_cond:
            # Unnamed parts come from the latest request, so a second quick switch (a
            # precision while a device compiles) adds to the first instead of undoing it.
            latest = self._pending or self.recognizer
            cur = self._target or self._compiling or (latest.device, latest.precision,
                                                      latest.model)
            if precision is None:
                precision = cur[1]
                if model is not None and precision not in model.variants:
                    precision = "FP32"
            self._target = (device or cur[0], precision.upper(), model or cur[2])
            self._start_switcher()

    def _start_switcher(self) -> None:  # with _switch_cond held
        if self._switcher is None:
            self._switcher = threading.Thread(target=self._switch_loop, name="rps-switch",
                                              daemon=True)
            self._switcher.start()
        self._switch_cond.notify_all()

    def _switch_loop(self) -> None:
        while True:
            with self._switch_cond:
                self._switch_cond.wait_for(lambda: self._target is not None or self._closing
                                           or self._standby_due)
                if self._closing:
                    return
                standby_only = self._target is None
            if standby_only:
                self._build_standby()
                continue
            with self._switch_cond:
                device, precision, model = self._target  # type: ignore[misc]
                self._compiling, self._target = self._target, None
            serving = self._pending or self.recognizer
            if (serving.device, serving.precision, serving.model) == (
                    device.upper(), precision, model):  # equal models: same files and options
                self._events.append(EngineEvent("ready", serving.device, precision,
                                                "already serving", time.perf_counter()))
                with self._switch_cond:
                    self._compiling = None
                continue
            try:
                built = self._build(device, precision, model)
            except Exception as exc:  # a failed switch is an event; the old one serves on
                why = str(exc) if isinstance(exc, RpsError) else first_line(exc)
                self._events.append(EngineEvent("failed", device, precision, why,
                                                time.perf_counter()))
                with self._switch_cond:
                    self._compiling = None
                self._fallback_failed(device, precision, model, why)
                continue
            with self._switch_cond:
                self._pending, self._compiling = built, None  # picked up by the next submit()

    def _swap(self) -> None:
        with self._switch_cond:
            new, self._pending = self._pending, None
        if new is None:
            return
        self.recognizer.wait_all()  # old results land first, in order
        old, self.recognizer = self.recognizer, new
        how = f"compiled in {new.compile_ms:.0f} ms"
        if is_remote(new.device):
            self._keep_standby(old, new)
        else:
            how = "kept ready" if new is self._kept else how
            self.local_device, self._standby, self._kept = new.device, None, None
        self._events.append(EngineEvent("ready", new.device, new.precision, how,
                                        time.perf_counter()))

    @property
    def switching(self) -> bool:
        return (self._target is not None or self._compiling is not None
                or self._pending is not None)

    def events(self) -> list[EngineEvent]:
        out = []
        while self._events:
            out.append(self._events.popleft())
        return out

    # ---- reporting and shutdown ----------------------------------------------------------
    def perf_counts(self) -> list[ov.ProfilingInfo]:
        """Per-layer counters of the last request (needs ``perf_counters=True``)."""
        return self.recognizer.perf_counts()

    def close(self) -> None:
        with self._switch_cond:
            self._closing = True
            self._switch_cond.notify_all()
        if self._switcher is not None:
            self._switcher.join(5.0)
        self.recognizer.wait_all()

    def threads_alive(self) -> list[str]:
        """The engine's own threads still running (the switcher; none after close)."""
        return [t.name for t in (self._switcher,) if t is not None and t.is_alive()]
