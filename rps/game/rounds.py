"""The round state machine: countdown, shoot, reveal, match over.

No pygame, no openvino: driven by an injected clock and fed Predictions, so every rule is
unit-tested without a window or a model. The app only draws this state and maps keys to
commands.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from rps.game.opponents import OPPONENTS, AdaptiveOpponent
from rps.game.rules import BEATS, outcome
from rps.game.throws import ThrowReader
from rps.types import Prediction


class State(Enum):
    IDLE = "idle"  # waiting for Space or a hand
    COUNTDOWN = "countdown"  # rock... paper... scissors...
    SHOOT = "shoot"  # reading the player's throw
    REVEAL = "reveal"  # both throws shown with the result
    MATCH_OVER = "match_over"


@dataclass(frozen=True)
class Timings:
    beat: float = 0.6  # each of "Rock", "Paper", "Scissors"
    read: float = 0.8  # window after "Shoot!" in which the throw is read
    reveal: float = 2.0
    hand_start: float = 0.6  # a steady hand this long starts a round


@dataclass
class Round:
    computer: str
    player: str | None = None
    result: str | None = None  # win / lose / draw, None while open or when no throw was seen


@dataclass
class Game:
    """One player's session: matches of rounds against the chosen opponent."""

    clock: Callable[[], float]
    first_to: int = 3
    timings: Timings = field(default_factory=Timings)
    rng: random.Random = field(default_factory=random.Random)
    history: list[str] = field(default_factory=list)  # the player's past throws

    def __post_init__(self) -> None:
        self.reader = ThrowReader()
        self.opponent_index = 1  # the adaptive one is more fun
        self.opponent = self._make_opponent()
        self.state = State.IDLE
        self.t_state = self.clock()
        self.round: Round | None = None
        self.rounds: list[Round] = []
        self.score = {"player": 0, "computer": 0}
        self.message = "Press Space or show your hand to start"
        self.sounds: list[str] = []  # cues for the UI: tick, shoot, win, lose, draw
        self.finished_matches: list[dict] = []
        self._armed = True  # a shown hand may start a round (after an empty view)
        self._misses = 0
        self._beats_sounded = 0

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
        self._enter(State.COUNTDOWN)
        self.message = ""
        self.sounds.append("tick")

    def reset(self) -> None:
        self.score = {"player": 0, "computer": 0}
        self.rounds = []
        self.round = None
        self._enter(State.IDLE)
        self.message = "New match: press Space or show your hand"

    def next_opponent(self) -> str:
        self.opponent_index = (self.opponent_index + 1) % len(OPPONENTS)
        self.opponent = self._make_opponent()
        self.message = f"Opponent: {self.opponent.name}"
        return self.opponent.name

    def cancel_round(self, why: str) -> None:
        """Drop the round in progress (camera lost); the score stands."""
        if self.state in (State.COUNTDOWN, State.SHOOT):
            self.round = None
            self._enter(State.IDLE)
        self.message = why

    # ---- time and frames -----------------------------------------------------------------
    def feed(self, p: Prediction) -> None:
        self.reader.add(p)

    @property
    def countdown_word(self) -> str:
        if self.state == State.SHOOT:
            return "Shoot!"
        if self.state != State.COUNTDOWN:
            return ""
        beat = int((self.clock() - self.t_state) / self.timings.beat)
        return ("Rock...", "Paper...", "Scissors...")[min(beat, 2)]

    @property
    def countdown_number(self) -> int:
        if self.state != State.COUNTDOWN:
            return 0
        return 3 - min(2, int((self.clock() - self.t_state) / self.timings.beat))

    def update(self) -> None:
        now = self.clock()
        elapsed = now - self.t_state
        t = self.timings
        if self.state == State.IDLE:
            self._maybe_hand_start(now)
        elif self.state == State.COUNTDOWN:
            beats = int(elapsed / t.beat)
            if beats >= 3:
                self._enter(State.SHOOT)
                self.sounds.append("shoot")
            elif beats > self._beats_sounded:
                self._beats_sounded = beats
                self.sounds.append("tick")
        elif self.state == State.SHOOT and elapsed >= t.read:
            self._judge(self.reader.read(self.t_state, now))
        elif self.state == State.REVEAL and elapsed >= t.reveal:
            self._enter(State.IDLE)
            self._armed = False  # wait for the hand to drop before a hand can start again
            self.message = "Press Space or show your hand for the next round"

    def _maybe_hand_start(self, now: float) -> None:
        seen = self.reader.read(now - self.timings.hand_start, now)
        if seen == "none":
            self._armed = True
        elif seen in BEATS and self._armed:
            self._armed = False
            self.start_round()

    def _judge(self, throw: str | None) -> None:
        assert self.round is not None
        if throw not in BEATS:
            self.round = None
            self._enter(State.IDLE)
            self._misses += 1
            if self._misses < 2:  # replay once at once; then wait for the player
                self.start_round()
                self.message = "No throw seen - replaying the round"
            else:
                self._misses = 0
                self.message = "No throw seen - press Space when ready"
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
            "rounds": len(self.rounds),
            "throws": [[r.player, r.computer] for r in self.rounds],
            "score": dict(self.score),
            "result": "win" if won else "lose",
            "opponent": self.opponent.name,
        })
        self._enter(State.MATCH_OVER)

    def _enter(self, state: State) -> None:
        self.state = state
        self.t_state = self.clock()
        self._beats_sounded = 0
