"""capture -> inference, wired: a capture thread, the engine, and a pump thread between them.

The pump takes the newest frame and submits it; it blocks only while every infer request
is busy, which is exactly when the capture thread should be replacing (dropping) frames.
Both ``rps play`` and ``rps bench`` run on this.
"""

from __future__ import annotations

import threading
from pathlib import Path

from rps.capture import CaptureThread, FrameSource
from rps.errors import RpsError, SourceError
from rps.inference.backend import Backend, open_backend
from rps.inference.engine import Engine, EngineEvent
from rps.inference.metrics import MetricsRecorder
from rps.types import Frame, Prediction, Recognizer, RecognizerModel, RingSettings


class Pipeline:
    """Owns the threads of one run; ``stop()`` joins them all. Answers for what serves:
    device, precision, model, the switches' events, and the backend's devices."""

    def __init__(self, source: FrameSource, model: RecognizerModel, device: str = "CPU",
                 precision: str = "FP32", *, paced: bool = True, loop: bool = False,
                 max_frames: int = 0, settings: RingSettings | None = None,
                 backend: Backend | None = None, cache_dir: Path | None = None,
                 first_frame_timeout: float = 5.0, metrics: MetricsRecorder | None = None):
        self.metrics = metrics or MetricsRecorder()
        self.capture = CaptureThread(source, paced=paced, loop=loop, metrics=self.metrics,
                                     max_frames=max_frames)
        self.backend = backend or open_backend(cache_dir)
        self._start_with = (device, precision, model)
        self.settings = settings or RingSettings()
        self.first_frame_timeout = first_frame_timeout
        self.engine: Engine | None = None
        self.latest: Frame | None = None  # the newest frame sent to the engine, for display
        self.error: RpsError | None = None
        self._stop = threading.Event()
        self._pump = threading.Thread(target=self._run, name="rps-pump", daemon=True)

    def start(self) -> Pipeline:
        """Open the stream, size the model to its first frame, compile, start pumping."""
        self.capture.start()
        try:
            first = self.capture.get(self.first_frame_timeout)
            if first is None:
                self._raise_capture_error()
                raise SourceError(f"{self.capture.source.name} delivered no frame in "
                                  f"{self.first_frame_timeout:.0f} s; is it in use or unplugged? "
                                  "Try --source path/to/video.mp4 or --demo")
            device, precision, model = self._start_with
            self.engine = Engine(model, device, precision, frame_hw=first.image.shape[:2],
                                 settings=self.settings, backend=self.backend)
            self.latest = first
            self.engine.submit(first)
        except BaseException:
            self.stop()
            raise
        self._pump.start()
        return self

    def _raise_capture_error(self) -> None:
        if self.capture.error is not None:
            raise self.capture.error

    def _run(self) -> None:
        assert self.engine is not None
        try:
            while not self._stop.is_set():
                frame = self.capture.get(0.05)
                if frame is None and self.capture.finished:
                    frame = self.capture.get(0)  # the last frame may land with the end
                    if frame is None:
                        break
                if frame is not None:
                    self.latest = frame
                    self.engine.submit(frame)
            self.engine.drain()
        except RpsError as exc:
            self.error = exc
        except Exception as exc:  # an OpenVINO failure mid-stream: report, do not hang
            self.error = RpsError(f"inference stopped: {exc}")

    # ---- what serves ------------------------------------------------------------------
    @property
    def recognizer(self) -> Recognizer:
        """The compiled recognizer serving now."""
        assert self.engine is not None, "start() first"
        return self.engine.recognizer

    @property
    def model(self) -> RecognizerModel:
        return self.recognizer.model if self.engine is not None else self._start_with[2]

    @property
    def device(self) -> str:
        return self.recognizer.device if self.engine is not None else self._start_with[0]

    @property
    def precision(self) -> str:
        return self.recognizer.precision if self.engine is not None else self._start_with[1]

    def events(self) -> list[EngineEvent]:
        """Switches finished (or failed) since the last call."""
        return self.engine.events() if self.engine is not None else []

    # ---- consumer side -------------------------------------------------------------------
    def check(self) -> None:
        """Raise what went wrong on the capture, pump or engine threads, if anything."""
        self._raise_capture_error()
        if self.error is not None:
            raise self.error
        if self.engine is not None and self.engine.error:
            raise RpsError(self.engine.error)

    @property
    def finished(self) -> bool:
        """The source ended and the consumer has taken every result."""
        return not self._pump.is_alive() and self.capture.finished and (
            self.engine is None or self.engine.undelivered == 0)

    def _record(self, p: Prediction | None) -> Prediction | None:
        if p is not None:
            self.metrics.on_prediction(p)
        return p

    def get(self, timeout: float | None = None) -> Prediction | None:
        assert self.engine is not None
        return self._record(self.engine.get(timeout))

    def take(self, timeout: float | None = None) -> list[Prediction]:
        assert self.engine is not None
        return [self._record(p) for p in self.engine.take(timeout)]  # type: ignore[misc]

    def poll(self) -> list[Prediction]:
        assert self.engine is not None
        return [self._record(p) for p in self.engine.poll()]  # type: ignore[misc]

    def switch(self, device: str | None = None, precision: str | None = None,
               model: RecognizerModel | None = None) -> None:
        assert self.engine is not None
        self.engine.request_switch(device, precision, model)

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        self.capture.stop(timeout)
        if self._pump.is_alive():
            self._pump.join(timeout)
        if self.engine is not None:
            self.engine.close()

    def threads_alive(self) -> list[str]:
        """Names of this pipeline's threads still running (empty after a clean stop): each
        owner reports its own."""
        engine = self.engine.threads_alive() if self.engine is not None else []
        return [*self.capture.threads_alive(), *([self._pump.name] if self._pump.is_alive()
                                                 else []), *engine]

    def __enter__(self) -> Pipeline:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
