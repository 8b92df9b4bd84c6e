"""Test doubles shared by the test modules."""


class FakeClock:
    """A clock the test moves by hand: ``clock.t += 0.5``."""

    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def gaps_while(target, *args, tick: float = 0.005) -> list[float]:
    """Run ``target(*args)`` on a worker thread while this one ticks every ``tick`` s, as
    the game's display thread does during a refit; the seconds between ticks."""
    import threading
    import time

    worker = threading.Thread(target=target, args=args)
    gaps, t_last = [], time.perf_counter()
    worker.start()
    while worker.is_alive():
        time.sleep(tick)
        now = time.perf_counter()
        gaps.append(now - t_last)
        t_last = now
    worker.join()
    return gaps
