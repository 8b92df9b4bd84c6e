"""Pure game logic: rules, the round state machine, throw debounce and opponents.

No pygame, no openvino: driven by an injected clock and fed Predictions, so every rule is
unit-tested without a window or a model. The UI only draws this state and maps keys to
commands.
"""

from __future__ import annotations

import random
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from rps.types import Prediction

MOVES = ("rock", "paper", "scissors")
BEATS = {"rock": "scissors", "paper": "rock", "scissors": "paper"}  # key beats value
COUNTER = {loser: winner for winner, loser in BEATS.items()}  # what beats a move


def outcome(player: str, computer: str) -> str:
    """'win', 'lose' or 'draw' from the player's side."""
    if player not in BEATS or computer not in BEATS:
        raise ValueError(f"not a move: {player!r} vs {computer!r}")
    if player == computer:
        return "draw"
    return "win" if BEATS[player] == computer else "lose"


# ---- opponents -----------------------------------------------------------------------------
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


# ---- reading a throw -------------------------------------------------------------------------
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
        self._preds.append((p.t_capture, p.label, p.confidence))
        while self._preds and p.t_capture - self._preds[0][0] > self.keep:
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


# ---- the round state machine -----------------------------------------------------------------
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
