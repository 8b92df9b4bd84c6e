"""Test doubles shared by the test modules."""


class FakeClock:
    """A clock the test moves by hand: ``clock.t += 0.5``."""

    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t
