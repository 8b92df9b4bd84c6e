"""Match history in the user data folder: written atomically, never lost to a bad file.

A damaged file is moved aside (``history.json.damaged-<time>``) with a message, and a
fresh history starts, so one bad write never stops the game.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path


def user_data_dir() -> Path:
    """RPS_DATA_DIR, else the platform's user data folder for rps."""
    env = os.environ.get("RPS_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("rps"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` then rename it over: all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class History:
    """The list of finished matches, loaded once and appended to as matches end."""

    def __init__(self, path: Path | None = None):
        self.path = path or user_data_dir() / "history.json"
        self.matches: list[dict] = []
        self.warning: str | None = None
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, list) or not all(isinstance(m, dict) for m in data):
                raise ValueError("not a list of matches")
            self.matches = data
        except (ValueError, UnicodeDecodeError) as exc:
            aside = self.path.with_name(f"{self.path.name}.damaged-{int(time.time())}")
            self.path.replace(aside)
            self.warning = f"match history was damaged ({exc}); moved to {aside.name}"

    def player_throws(self) -> list[str]:
        """Every throw the player made in saved matches, oldest first."""
        return [t[0] for m in self.matches for t in m.get("throws", []) if t and t[0]]

    def add(self, match: dict) -> None:
        record = {"date": time.strftime("%Y-%m-%dT%H:%M:%S"), **match}
        self.matches.append(record)
        atomic_write_bytes(self.path, json.dumps(self.matches, indent=1).encode("utf-8"))
