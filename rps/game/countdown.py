"""The clockwork every match shares: states, timings, the countdown and its cues, the
read window after "Shoot!" and the replay rule for a round in which no throw was seen.

The one-player ``Game`` and the two-player ``Duel`` differ only in who throws and how a
round is judged; they fill in ``start_round`` and ``_judge_window`` and keep the rest, so
the window draws either the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum


class State(Enum):
    IDLE = "idle"  # waiting for Space or a hand
    COUNTDOWN = "countdown"  # rock... paper... scissors...
    SHOOT = "shoot"  # reading the throws
    REVEAL = "reveal"  # the throws shown with the result
    MATCH_OVER = "match_over"


@dataclass(frozen=True)
class Timings:
    beat: float = 0.6  # each of "Rock", "Paper", "Scissors"
    read: float = 0.8  # window after "Shoot!" in which the throw is read
    reveal: float = 2.0
    hand_start: float = 0.6  # a steady hand this long starts a round


@dataclass
class RoundClock:
    """A match driven by an injected clock: ``update()`` moves it on, the UI reads
    ``state``, ``message``, ``countdown_word``/``countdown_number`` and drains ``sounds``."""

    clock: Callable[[], float]
    first_to: int = 3
    timings: Timings = field(default_factory=Timings)

    def __post_init__(self) -> None:
        self.state = State.IDLE
        self.t_state = self.clock()
        self.round: object | None = None  # the round in progress or last shown
        self.message = ""
        self.sounds: list[str] = []  # cues for the UI: tick, shoot, win, lose, draw
        self.finished_matches: list[dict] = []  # for the history, drained by the app
        self._misses = 0  # rounds in a row in which a throw was missing
        self._beats_sounded = 0
        self.paused = False  # help is open: time does not move the match on

    @property
    def state_age(self) -> float:
        """Seconds in the current state, on the game's clock (the reveal's animation)."""
        return self.clock() - self.t_state

    def pause(self) -> None:
        """Stop the match (help is open): a round in progress is dropped, as its countdown
        and read window belong to a moment the player did not see; the score stands."""
        if self.paused:
            return
        self.paused = True
        self._resume_message = self.message
        if self.state in (State.COUNTDOWN, State.SHOOT):
            self.cancel_round("")
            self._resume_message = "Round stopped for help - press Space to play it"

    def resume(self) -> None:
        if self.paused:
            self.paused = False
            self.message = self._resume_message

    # ---- to fill in ----------------------------------------------------------------------
    def start_round(self) -> None:
        """Begin a round's countdown (a new match after one is over)."""
        raise NotImplementedError

    def _judge_window(self, since: float, until: float) -> None:
        """The read window [since, until] is over: judge the round from its frames."""
        raise NotImplementedError

    def _idle(self, now: float) -> None:
        """Called on each update while idle (Game starts a round on a steady hand)."""

    def _after_reveal(self) -> None:
        """The reveal is over and the state is IDLE again."""

    # ---- shared --------------------------------------------------------------------------
    def cancel_round(self, why: str) -> None:
        """Drop the round in progress or on show (camera lost, teach mode, a mode switch):
        the score stands, and its reveal does not come back afterwards."""
        if self.state in (State.COUNTDOWN, State.SHOOT, State.REVEAL):
            self.round = None
            self._enter(State.IDLE)
        self.message = why

    @property
    def countdown_word(self) -> str:
        if self.state == State.SHOOT:
            return "Shoot!"
        if self.state != State.COUNTDOWN:
            return ""
        return ("Rock...", "Paper...", "Scissors...")[self._beat()]

    @property
    def countdown_number(self) -> int:
        return 3 - self._beat() if self.state == State.COUNTDOWN else 0

    def update(self) -> None:
        if self.paused:
            return
        now = self.clock()
        elapsed = now - self.t_state
        t = self.timings
        if self.state == State.IDLE:
            self._idle(now)
        elif self.state == State.COUNTDOWN:
            beats = int(elapsed / t.beat)
            if beats >= 3:
                self._enter(State.SHOOT)
                self.message = ""  # "No throw seen" was about the last round, not this one
                self.sounds.append("shoot")
            elif beats > self._beats_sounded:
                self._beats_sounded = beats
                self.sounds.append("tick")
        elif self.state == State.SHOOT and elapsed >= t.read:
            self._judge_window(self.t_state, now)
        elif self.state == State.REVEAL and elapsed >= t.reveal:
            self._enter(State.IDLE)
            self._after_reveal()

    def _beat(self) -> int:
        return min(2, int((self.clock() - self.t_state) / self.timings.beat))

    def _begin_countdown(self) -> None:
        self._enter(State.COUNTDOWN)
        self.message = ""
        self.sounds.append("tick")

    def _missed(self, who: str = "") -> None:
        """No throw seen (``who`` says whose, for the message): replay at once the first
        time, as a late hand is the usual cause; after a second miss in a row wait for
        Space, as somebody may have walked away and an endless countdown helps nobody."""
        self.round = None
        self._enter(State.IDLE)
        self._misses += 1
        if self._misses < 2:
            self.start_round()
            self.message = f"No throw seen{who} - replaying the round"
        else:
            self._misses = 0
            self.message = f"No throw seen{who} - press Space when ready"

    def _enter(self, state: State) -> None:
        self.state = state
        self.t_state = self.clock()
        self._beats_sounded = 0
