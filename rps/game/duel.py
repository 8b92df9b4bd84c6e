"""Two players on one webcam: the left half of the screen is player 1, the right half
player 2; both throws are read in the same window after "Shoot!".

Pure like ``Game``: an injected clock, fed Predictions whose ``hands`` are split by side,
no pygame or openvino. It shares the countdown and the replay rule (``RoundClock``), so
the window draws either the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rps.game.countdown import RoundClock, State
from rps.game.rules import BEATS, outcome
from rps.game.throws import ThrowReader
from rps.types import Hand, Prediction

PLAYERS = ("player 1", "player 2")  # the score keys, left to right on screen
SIDES = {"player 1": "left", "player 2": "right"}


def assign_hands(hands: Sequence[Hand], frame_width: float
                 ) -> tuple[Hand | None, Hand | None]:
    """(player 1's hand, player 2's hand), either None when nobody shows one.

    The screen shows the camera image mirrored (``cv2.flip(image, 1)``) so that players
    see themselves as in a mirror, while landmarks are in unmirrored camera pixels: the
    left half of the screen, player 1's, is the camera's right half (landmark centre
    x > frame_width / 2). A hand exactly on the split is player 2's. When two hands are on
    one side (a player throwing with both, or a hand reaching over), the one the landmark
    model is surer of counts and the other is ignored.
    """
    sides: list[Hand | None] = [None, None]
    for hand in hands:
        side = 0 if float(hand.landmarks[:, 0].mean()) > frame_width / 2 else 1
        held = sides[side]
        if held is None or hand.presence > held.presence:
            sides[side] = hand
    return sides[0], sides[1]


@dataclass
class DuelRound:
    p1: str | None = None  # player 1's throw, None while the round is open
    p2: str | None = None
    result: str | None = None  # "player 1", "player 2" or "draw"; None while open


@dataclass
class Duel(RoundClock):
    """Two players' match: rounds until one of them reaches ``first_to``. Draws score
    nothing; a round in which either throw is missing is replayed."""

    players = 2

    def __post_init__(self) -> None:
        super().__post_init__()
        self.readers = (ThrowReader(), ThrowReader())  # player 1's, player 2's
        self.round: DuelRound | None = None
        self.rounds: list[DuelRound] = []
        self.score = dict.fromkeys(PLAYERS, 0)
        self.message = "Player 1 on the left, player 2 on the right: press Space to start"

    # ---- commands ------------------------------------------------------------------------
    def start_round(self) -> None:
        if self.state == State.MATCH_OVER:
            self.reset()
        if self.state not in (State.IDLE, State.REVEAL):
            return
        self.round = DuelRound()
        self._begin_countdown()

    def reset(self) -> None:
        self.score = dict.fromkeys(PLAYERS, 0)
        self.rounds = []
        self.round = None
        self._misses = 0
        self._enter(State.IDLE)
        self.message = "New match: press Space to start"

    # ---- time and frames -----------------------------------------------------------------
    def feed(self, p: Prediction, frame_width: int) -> None:
        """One frame of the camera ``frame_width`` pixels wide: each player's hand goes to
        that player's reader, read from the hand's own scores. A side without a hand reads
        as a confident "none", as an empty view does in one-player play, so a hand that
        flashes into a side for a few frames of the read window is outvoted."""
        for reader, hand in zip(self.readers, assign_hands(p.hands, frame_width),
                                strict=True):
            if hand is None:
                reader.add_reading(p.t_capture, "none", 1.0)
            else:
                i = int(hand.scores.argmax())
                reader.add_reading(p.t_capture, p.labels[i], float(hand.scores[i]))

    def _after_reveal(self) -> None:
        self.message = "Press Space for the next round"

    def _judge_window(self, since: float, until: float) -> None:
        assert self.round is not None
        p1, p2 = (reader.read(since, until) for reader in self.readers)
        missing = [who for who, throw in zip(PLAYERS, (p1, p2), strict=True)
                   if throw not in BEATS]
        if missing:
            self._missed(" from either player" if len(missing) == 2
                         else f" from {missing[0]} ({SIDES[missing[0]]})")
            return
        assert p1 is not None and p2 is not None
        self._misses = 0
        r = self.round
        r.p1, r.p2 = p1, p2
        r.result = {"win": PLAYERS[0], "lose": PLAYERS[1], "draw": "draw"}[outcome(p1, p2)]
        self.rounds.append(r)
        if r.result == "draw":
            self.sounds.append("draw")
            self.message = "Draw"
        else:
            self.score[r.result] += 1
            self.sounds.append("win")
            self.message = f"{r.result.capitalize()} wins the round!"
        self._enter(State.REVEAL)
        if max(self.score.values()) >= self.first_to:
            self._finish_match()

    def _finish_match(self) -> None:
        winner = max(PLAYERS, key=self.score.__getitem__)
        self.message = f"{winner.capitalize()} wins the match!"
        self.finished_matches.append({
            "mode": "two-player",
            "rounds": len(self.rounds),
            "throws": [[r.p1, r.p2] for r in self.rounds],
            "score": dict(self.score),
            "result": winner,
        })
        self._enter(State.MATCH_OVER)
