"""Stage times of one frame, for recognizers whose stages are called back from elsewhere
(the hand tracker calls the palm detector and the landmark reader as it needs them)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class StageClock:
    """Adds up the time of each named stage; ``lap()`` returns a frame's totals and starts
    the next frame at zero, so the times travel with the result, not in a shared dict."""

    def __init__(self, names: tuple[str, ...]):
        self._ms = dict.fromkeys(names, 0.0)

    def timed(self, name: str, fn: Callable[..., T]) -> Callable[..., T]:
        def run(*args: object) -> T:
            t0 = time.perf_counter()
            try:
                return fn(*args)
            finally:
                self._ms[name] += (time.perf_counter() - t0) * 1000
        return run

    def lap(self) -> dict[str, float]:
        out, self._ms = self._ms, dict.fromkeys(self._ms, 0.0)
        return out
