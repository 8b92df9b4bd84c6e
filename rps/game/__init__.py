"""The game: rules, opponents, throw debounce, the round state machines (one player against
the computer, two players on one webcam), the teach-mode session and match history.

Pure logic on an injected clock: imports neither pygame nor openvino, so every rule is
unit-tested without a window or a model. May import: ``rps.types``, ``rps.errors``,
``rps.userdata`` (history is written whole or not at all, in the data folder).
"""

from rps.game.duel import Duel, DuelRound, assign_hands
from rps.game.opponents import OPPONENTS, AdaptiveOpponent, FairOpponent
from rps.game.rounds import Game, Round, State, Timings
from rps.game.rules import BEATS, COUNTER, MOVES, outcome
from rps.game.throws import ThrowReader

__all__ = ["BEATS", "COUNTER", "MOVES", "OPPONENTS", "AdaptiveOpponent", "Duel", "DuelRound",
           "FairOpponent", "Game", "Round", "State", "ThrowReader", "Timings", "assign_hands",
           "outcome"]
