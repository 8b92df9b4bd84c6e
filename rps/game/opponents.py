"""The computer's players: fair random, and an adaptive one that learns the player's habits."""

from __future__ import annotations

import random
from collections import Counter

from rps.game.rules import BEATS, COUNTER, MOVES


class FairOpponent:
    """Uniformly random: unbeatable in the long run, and unexploitable."""

    name = "fair"

    def __init__(self, rng: random.Random | None = None):
        self.rng = rng or random.Random()

    def choose(self) -> str:
        return self.rng.choice(MOVES)

    def observe(self, player_move: str) -> None:
        pass


class AdaptiveOpponent:
    """Predicts the player's next move from their history and plays the best answer.

    Two models of the player: overall frequency, and a first-order Markov chain (what they
    threw after their previous throw). Each is weighted by how well it has been predicting
    lately; the blend gives a distribution over the next throw, and the computer plays the
    move with the best expected result against it. A little randomness keeps it from being
    trivially exploited.
    """

    name = "adaptive"

    def __init__(self, rng: random.Random | None = None, history: list[str] | None = None,
                 explore: float = 0.05):
        self.rng = rng or random.Random()
        self.explore = explore
        self.moves: list[str] = []
        self.freq: Counter[str] = Counter()
        self.markov: dict[str, Counter[str]] = {m: Counter() for m in MOVES}
        self.skill = {"freq": 1.0, "markov": 1.0}  # decayed hit counts, so never zero
        for m in history or []:
            self.observe(m)

    def _models(self) -> dict[str, dict[str, float]]:
        def dist(c: Counter[str]) -> dict[str, float]:
            total = sum(c.values()) + len(MOVES)  # Laplace smoothing
            return {m: (c[m] + 1) / total for m in MOVES}

        last = self.moves[-1] if self.moves else None
        return {"freq": dist(self.freq),
                "markov": dist(self.markov[last] if last else Counter())}

    def predict(self) -> dict[str, float]:
        """Probability of each next player move."""
        models = self._models()
        total = sum(self.skill.values())
        return {m: sum(self.skill[k] * models[k][m] for k in models) / total for m in MOVES}

    def choose(self) -> str:
        if not self.moves or self.rng.random() < self.explore:
            return self.rng.choice(MOVES)
        p = self.predict()
        return max(MOVES, key=lambda c: p[BEATS[c]] - p[COUNTER[c]])

    def observe(self, player_move: str) -> None:
        if player_move not in BEATS:
            return
        for k, dist in self._models().items():  # grade the models before learning
            self.skill[k] = 0.95 * self.skill[k] + dist[player_move]
        if self.moves:
            self.markov[self.moves[-1]][player_move] += 1
        self.freq[player_move] += 1
        self.moves.append(player_move)


OPPONENTS: tuple[type, ...] = (FairOpponent, AdaptiveOpponent)
