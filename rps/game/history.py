"""Match history in the user data folder: never lost to a bad file, a full disk or a second
game sharing the folder.

Each save takes a lock beside the file (``history.json.lock``), reads what is there now,
appends this game's new matches and writes the whole atomically, so two games that share a
folder both keep theirs. A damaged file is moved aside (``history.json.damaged-<time>``)
with a message and a fresh history starts. Nothing here raises for disk trouble: a save
that fails keeps its matches in memory (``pending``) for the next try and says why.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rps.userdata import history_file
from rps.userdata.files import write_bytes

try:
    import fcntl
except ImportError:  # not POSIX: saves still merge, without the lock
    fcntl = None  # type: ignore[assignment]


def is_match_list(data: object) -> bool:
    """A list of match objects whose ``throws`` are pairs of names, any of which may be
    null: [player, computer] in a one-player match, [player 1, player 2] in a two-player
    one (``"mode": "two-player"``)."""
    if not isinstance(data, list):
        return False
    for m in data:
        throws = m.get("throws", []) if isinstance(m, dict) else None
        if not isinstance(throws, list) or not all(
                isinstance(t, list) and len(t) == 2
                and all(v is None or isinstance(v, str) for v in t) for t in throws):
            return False
    return True


class History:
    """The finished matches: those on disk at start plus this game's, saved as they end."""

    def __init__(self, path: Path | None = None):
        self.path = path or history_file()
        self.matches: list[dict] = []
        self.pending: list[dict] = []  # this game's matches not on disk yet
        self.warning: str | None = None  # for the player, once, at start
        try:
            self.matches, self.warning = self._read()
        except OSError as exc:
            self.warning = (f"Match history {self.path} unreadable ({exc.strerror or exc}); "
                            "this game's matches are kept until it can be saved")

    def player_throws(self) -> list[str]:
        """Every throw the player made in saved one-player matches, oldest first: what the
        adaptive opponent learns from. Two-player matches are two other people's habits,
        not the solo player's, and are left out (matches saved before modes existed are
        one-player)."""
        return [t[0] for m in self.matches if m.get("mode") != "two-player"
                for t in m.get("throws", []) if t and t[0]]

    def queue(self, match: dict) -> None:
        """Record a finished match, dated, to be written by the next ``save``."""
        record = {"date": time.strftime("%Y-%m-%dT%H:%M:%S"), **match}
        self.matches.append(record)
        self.pending.append(record)

    def add(self, match: dict) -> str | None:
        """``queue`` and ``save``."""
        self.queue(match)
        return self.save()

    def save(self) -> str | None:
        """Merge the pending matches into the file under the lock. None when all went
        quietly; else one line for the player (a save that failed keeps its matches
        pending, for the next call)."""
        if not self.pending:
            return None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._locked():
                on_disk, note = self._read()
                merged = on_disk + self.pending
                write_bytes(self.path, json.dumps(merged, indent=1).encode("utf-8"))
        except OSError as exc:
            n = len(self.pending)
            return (f"{n} match{'es' if n > 1 else ''} not saved to {self.path}: "
                    f"{exc.strerror or exc}")
        self.matches, self.pending = merged, []
        return note

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold an exclusive lock on the file beside the history (released on close)."""
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _read(self) -> tuple[list[dict], str | None]:
        """The matches on disk now, and a note when a damaged file was moved aside. Raises
        OSError when the file cannot be read, or is damaged and cannot be moved aside (it is
        then never written over)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return [], None
        try:
            data = json.loads(raw.decode("utf-8"))
            if not is_match_list(data):
                raise ValueError("not a list of matches")
            return data, None
        except ValueError as exc:  # JSON and UTF-8 errors are ValueErrors
            aside = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
            try:
                self.path.replace(aside)
            except OSError as move:
                raise OSError(move.errno, f"damaged ({exc}) and cannot be moved aside "
                              f"({move.strerror})", str(self.path)) from None
            return [], f"match history was damaged ({exc}); moved to {aside.name}"
