"""The rules: which throw beats which, and a round's outcome."""

from __future__ import annotations

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
