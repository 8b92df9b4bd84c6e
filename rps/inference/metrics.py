"""Live pipeline metrics over a sliding time window (frames per second and latencies).

Events come from three threads (capture, engine, display), so every recorder takes a lock;
each call is a deque append, cheap enough for the hot path. Old entries are dropped as new
ones arrive, not only when read, so a run whose numbers nobody reads (``rps bench``, the
game with the HUD hidden) stays the same size however long it runs.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from rps.types import LatencyStats, Metrics, Prediction


class RateWindow:
    """Timestamps of events in the last ``window`` seconds; rate = events / span."""

    def __init__(self, window: float = 1.0, clock: Callable[[], float] = time.perf_counter):
        self.window = window
        self._clock = clock
        self._times: deque[float] = deque()

    def tick(self, t: float | None = None) -> None:
        t = self._clock() if t is None else t
        self._times.append(t)
        self._trim(t)

    def _trim(self, now: float) -> None:
        while self._times and now - self._times[0] > self.window:
            self._times.popleft()

    def rate(self) -> float:
        now = self._clock()
        self._trim(now)
        if len(self._times) < 2:
            return 0.0
        # Events per second over the observed span, so a half-full window is not halved.
        span = max(now - self._times[0], self._times[-1] - self._times[0])
        return (len(self._times) - 1) / span if span > 0 else 0.0

    def clear(self) -> None:
        self._times.clear()


class MetricsRecorder:
    """Collects capture, inference and display events; ``snapshot()`` summarises the window."""

    def __init__(self, window: float = 1.0, clock: Callable[[], float] = time.perf_counter):
        self._clock = clock
        self.window = window
        self._lock = threading.Lock()
        self._capture = RateWindow(window, clock)
        self._infer = RateWindow(window, clock)
        self._display = RateWindow(window, clock)
        self._lat: deque[tuple[float, float, float]] = deque()  # (t_done, latency, infer)
        self._dropped = 0
        self._device = ""
        self._precision = ""

    def on_capture(self, t: float) -> None:
        with self._lock:
            self._capture.tick(t)

    def on_drop(self) -> None:
        with self._lock:
            self._dropped += 1

    def on_display(self, t: float | None = None) -> None:
        with self._lock:
            self._display.tick(t)

    def on_prediction(self, p: Prediction) -> None:
        with self._lock:
            self._infer.tick(p.t_done)
            self._lat.append((p.t_done, p.latency_ms, p.infer_ms))
            self._trim_latencies(p.t_done)
            self._device, self._precision = p.device, p.precision

    def _trim_latencies(self, now: float) -> None:
        while self._lat and now - self._lat[0][0] > self.window:
            self._lat.popleft()

    def reset(self) -> None:
        """Start fresh windows, e.g. after a device switch, so old numbers do not blend in."""
        with self._lock:
            for w in (self._capture, self._infer, self._display):
                w.clear()
            self._lat.clear()
            self._dropped = 0

    def snapshot(self) -> Metrics:
        with self._lock:
            self._trim_latencies(self._clock())
            lat = [x[1] for x in self._lat]
            inf = [x[2] for x in self._lat]
            return Metrics(
                capture_fps=self._capture.rate(),
                infer_fps=self._infer.rate(),
                display_fps=self._display.rate(),
                latency=LatencyStats.of(lat),
                infer=LatencyStats.of(inf),
                dropped=self._dropped,
                device=self._device,
                precision=self._precision,
            )
