"""The one-player match against the computer: countdown, shoot, reveal, match over.

No pygame, no openvino: driven by an injected clock and fed Predictions, so every rule is
unit-tested without a window or a model. The app only draws this state and maps keys to
commands. The clockwork shared with the two-player ``Duel`` is in ``rps.game.countdown``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from rps.game.countdown import RoundClock, State, Timings
from rps.game.opponents import OPPONENTS, AdaptiveOpponent
from rps.game.rules import BEATS, outcome
from rps.game.throws import ThrowReader
from rps.types import Prediction

__all__ = ["Game", "Round", "State", "Timings"]


@dataclass
class Round:
    computer: str
    player: str | None = None
    result: str | None = None  # win / lose / draw, None while open or when no throw was seen


@dataclass
class Game(RoundClock):
    """One player's session: matches of rounds against the chosen opponent."""

    rng: random.Random = field(default_factory=random.Random)
    history: list[str] = field(default_factory=list)  # the player's past throws
    hand_starts: bool = True  # a steady hand starts a round (off on the demo clip)

    players = 1

    def __post_init__(self) -> None:
        super().__post_init__()
        self.reader = ThrowReader()
        self.opponent_index = 1  # the adaptive one is more fun
        self.opponent = self._make_opponent()
        self.round: Round | None = None
        self.rounds: list[Round] = []
        self.score = {"player": 0, "computer": 0}
        self.message = self._press("to start")
        self._armed = True  # a shown hand may start a round (after an empty view)

    def _press(self, what: str) -> str:
        """The prompt to go on, naming the hand only where a shown hand starts a round."""
        return f"Press Space or show your hand {what}" if self.hand_starts else \
            f"Press Space {what}"

    def _make_opponent(self):
        cls = OPPONENTS[self.opponent_index]
        return cls(self.rng, self.history) if cls is AdaptiveOpponent else cls(self.rng)

    # ---- commands ------------------------------------------------------------------------
    def start_round(self) -> None:
        if self.state == State.MATCH_OVER:
            self.reset()
        if self.state not in (State.IDLE, State.REVEAL):
            return
        # The computer commits now, before any frame of the player's throw exists.
        self.round = Round(computer=self.opponent.choose())
        self._begin_countdown()

    def reset(self) -> None:
        self.score = {"player": 0, "computer": 0}
        self.rounds = []
        self.round = None
        self._enter(State.IDLE)
        self.message = "New match: press Space" + (" or show your hand" if self.hand_starts
                                                   else "")

    def next_opponent(self) -> str:
        self.opponent_index = (self.opponent_index + 1) % len(OPPONENTS)
        self.opponent = self._make_opponent()
        return self.opponent.name

    # ---- time and frames -----------------------------------------------------------------
    def feed(self, p: Prediction) -> None:
        self.reader.add(p)

    def _idle(self, now: float) -> None:
        """A steady hand starts a round, once the view was empty since the last one."""
        if not self.hand_starts:
            return
        seen = self.reader.read(now - self.timings.hand_start, now)
        if seen == "none":
            self._armed = True
        elif seen in BEATS and self._armed:
            self._armed = False
            self.start_round()

    def _after_reveal(self) -> None:
        self._armed = False  # wait for the hand to drop before a hand can start again
        self.message = self._press("for the next round")

    def _judge_window(self, since: float, until: float) -> None:
        self._judge(self.reader.read(since, until))

    def _judge(self, throw: str | None) -> None:
        assert self.round is not None
        if throw not in BEATS:
            self._missed()
            return
        self._misses = 0
        self.round.player = throw
        self.round.result = outcome(throw, self.round.computer)
        self.rounds.append(self.round)
        self.history.append(throw)
        self.opponent.observe(throw)
        self.sounds.append(self.round.result)
        if self.round.result == "win":
            self.score["player"] += 1
        elif self.round.result == "lose":
            self.score["computer"] += 1
        self.message = {"win": "You win the round!", "lose": "Computer wins the round",
                        "draw": "Draw"}[self.round.result]
        self._enter(State.REVEAL)
        if max(self.score.values()) >= self.first_to:
            self._finish_match()

    def _finish_match(self) -> None:
        won = self.score["player"] >= self.first_to
        self.message = "You win the match!" if won else "Computer wins the match"
        self.finished_matches.append({
            "mode": "one-player",
            "rounds": len(self.rounds),
            "throws": [[r.player, r.computer] for r in self.rounds],
            "score": dict(self.score),
            "result": "win" if won else "lose",
            "opponent": self.opponent.name,
        })
        self._enter(State.MATCH_OVER)
