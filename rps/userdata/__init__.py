"""The user's files: where rps keeps them and how it writes them.

Owns: the data folder (history, screenshots, recordings, personal models), the model
cache folder, atomic writes and stale temporary files (``files``), and the markers that
keep rps from deleting or replacing anything it did not make (``marks``). The ground
floor for every part that writes a user's file. May import: ``rps.errors``, ``rps.types``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rps.errors import RpsError, check_writable, describe
from rps.types import CLASSES


def data_dir() -> Path:
    """RPS_DATA_DIR, else the platform's user data folder for rps."""
    env = os.environ.get("RPS_DATA_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("rps"))


def cache_dir() -> Path:
    """OpenVINO's model cache: RPS_CACHE_DIR, else the user cache folder's ``ov-cache``."""
    env = os.environ.get("RPS_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("rps")) / "ov-cache"


def usable_cache_dir(cache_dir: Path | None) -> Path | None:
    """``cache_dir`` (made if missing) when the model cache can be written there, else None
    with one warning line: a cache only saves time, it must never stop a run."""
    if cache_dir is None:
        return None
    try:
        check_writable(cache_dir)
        cache_dir.mkdir(parents=True, exist_ok=True)
    except (RpsError, OSError) as exc:
        why = describe(exc) if isinstance(exc, OSError) else str(exc)
        print(f"rps: warning: {why}; running without the model cache", file=sys.stderr)
        return None
    return cache_dir


def history_file() -> Path:
    return data_dir() / "history.json"


def screenshots() -> Path:
    return data_dir() / "screenshots"


def recordings() -> Path:
    """Where `rps collect` and teach mode record the player's frames by default."""
    return data_dir() / "recordings"


def personal_model(folder: str) -> Path:
    """A recognizer's personal model (its registry entry names the folder: personal-hand,
    personal for the CNN)."""
    return data_dir() / "models" / folder


def recording_folders(root: Path) -> list[Path]:
    """A recording and its class folders: where frames (and their temporary files) go."""
    return [root, *(root / c for c in CLASSES)]


def user_folders() -> list[Path]:
    """Every folder rps writes into in the data folder (history, screenshots, personal
    models, the recording and its classes): where `rps play` cleans what a killed run left."""
    root = data_dir()
    return [root, screenshots(), root / "models", *recording_folders(recordings())]
