"""Reading a throw from a stream of predictions (debounce)."""

from __future__ import annotations

from collections import Counter, deque

from rps.types import Prediction


class ThrowReader:
    """Debounce: a throw counts only when enough confident frames agree on it.

    ``read(since, until)`` takes the predictions of frames captured in that window and
    returns the majority label if it has at least ``min_votes`` confident frames and at
    least ``agree`` of them, else None (noise, a moving hand, or nobody there).
    """

    def __init__(self, threshold: float = 0.6, min_votes: int = 3, agree: float = 0.6,
                 keep: float = 3.0):
        self.threshold = threshold
        self.min_votes = min_votes
        self.agree = agree
        self.keep = keep
        self._preds: deque[tuple[float, str, float]] = deque()

    def add(self, p: Prediction) -> None:
        self.add_reading(p.t_capture, p.label, p.confidence)

    def add_reading(self, t: float, label: str, confidence: float) -> None:
        """One frame's reading without a Prediction: a two-player game reads one hand per
        player out of each frame."""
        self._preds.append((t, label, confidence))
        while self._preds and t - self._preds[0][0] > self.keep:
            self._preds.popleft()

    def read(self, since: float, until: float) -> str | None:
        votes = [label for t, label, conf in self._preds
                 if since <= t <= until and conf >= self.threshold]
        if len(votes) < self.min_votes:
            return None
        label, n = Counter(votes).most_common(1)[0]
        return label if n / len(votes) >= self.agree else None

    def clear(self) -> None:
        self._preds.clear()
