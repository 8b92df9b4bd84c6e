"""The capture thread: reads a source on its own thread and hands frames to one consumer.

It keeps only the newest frame: a frame the engine has not taken yet is replaced by a newer
one and counted as dropped, so latency never builds up behind a slow device. In ``max``
mode (benchmarks, offline files) it waits for the engine instead, so every frame is used and
nothing is dropped.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Protocol

from rps.capture.sources import FrameSource
from rps.errors import SourceError
from rps.types import Frame


class CaptureObserver(Protocol):
    """Who is told of each captured and each dropped frame (the live metrics)."""

    def on_capture(self, t: float) -> None: ...

    def on_drop(self) -> None: ...


class CaptureThread:
    """Reads a source on its own thread and hands the newest frame to one consumer.

    ``paced``: non-live sources are played at their frame rate, as a camera would deliver them;
    otherwise as fast as the consumer takes them, every frame in order, a few read ahead so
    the consumer never waits on a hand-over. ``loop`` rewinds files at their end.
    A live source that stops delivering is retried; ``stalled_for()`` tells for how long.
    """

    def __init__(self, source: FrameSource, paced: bool = True, loop: bool = False,
                 metrics: CaptureObserver | None = None, max_frames: int = 0):
        self.source = source
        self.paced = paced
        self.loop = loop
        self.metrics = metrics
        self.max_frames = max_frames
        self.dropped = 0
        self.captured = 0
        self.finished = False
        self.error: Exception | None = None
        self._cond = threading.Condition()
        self._max_mode = not paced and not source.live
        self._depth = 4 if self._max_mode else 1
        self._frames: deque[Frame] = deque()
        self._stop = threading.Event()
        self._last_frame_t = time.perf_counter()
        self._thread = threading.Thread(target=self._run, name="rps-capture", daemon=True)

    def start(self) -> CaptureThread:
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)
        self.source.close()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def threads_alive(self) -> list[str]:
        """This owner's threads still running (none after ``stop``)."""
        return [self._thread.name] if self._thread.is_alive() else []

    def stalled_for(self) -> float:
        """Seconds since the last frame arrived (0 while frames flow)."""
        return time.perf_counter() - self._last_frame_t

    def get(self, timeout: float = 0.1) -> Frame | None:
        """The newest frame not yet taken (in max mode: the next one in order), or None if
        none came within ``timeout``."""
        with self._cond:
            if not self._frames:
                self._cond.wait_for(
                    lambda: bool(self._frames) or self.finished or self._stop.is_set(),
                    timeout,
                )
            if not self._frames:
                return None
            frame = self._frames.popleft()
            if self._max_mode:
                self._cond.notify_all()  # room for the reader again
        return frame

    def _put(self, frame: Frame) -> None:
        with self._cond:
            if self._max_mode:
                self._cond.wait_for(lambda: len(self._frames) < self._depth
                                    or self._stop.is_set())
            elif self._frames:  # the engine has not taken it: replace it, count the drop
                self._frames.clear()
                self.dropped += 1
                if self.metrics:
                    self.metrics.on_drop()
            self._frames.append(frame)
            self._cond.notify_all()

    def _run(self) -> None:
        try:
            self._loop()
        except Exception as exc:  # surfaced to the consumer, never lost on this thread
            self.error = exc if isinstance(exc, SourceError) else SourceError(
                f"{self.source.name} failed: {exc}")
        finally:
            with self._cond:
                self.finished = True
                self._cond.notify_all()

    def _loop(self) -> None:
        src = self.source
        period = 1.0 / src.fps if self.paced and not src.live and src.fps > 0 else 0.0
        t_next = time.perf_counter()
        while not self._stop.is_set():
            if self.max_frames and self.captured >= self.max_frames:
                return
            img = src.read()
            if img is None:
                if src.live:  # camera lost: retry until it returns or we are stopped
                    self._stop.wait(0.2)
                    src.rewind()
                    continue
                if self.loop and src.rewind():
                    continue
                return
            if period:
                t_next += period
                delay = t_next - time.perf_counter()
                if delay > 0:
                    self._stop.wait(delay)
                else:
                    t_next = time.perf_counter()  # fell behind: do not burst to catch up
            t = time.perf_counter()
            self._last_frame_t = t
            self.captured += 1
            if self.metrics:
                self.metrics.on_capture(t)
            self._put(Frame(self.captured, t, img))
