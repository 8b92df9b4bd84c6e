"""Running the real `rps` command in tests and checking what a user sees: one line on
stderr, the exit code, no traceback, and their files byte for byte as they were."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path


def rps_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", **extra}


def rps(*args: object, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    """``python -m rps ARGS`` with no terminal on stdin (as in CI or a pipe)."""
    return subprocess.run([sys.executable, "-m", "rps", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          env=rps_env(**env))


def says(r: subprocess.CompletedProcess, code: int, *words: str) -> str:
    """Assert exit ``code`` and one stderr line holding ``words`` (no traceback); the line."""
    shown = f"exit {r.returncode}\nstdout: {r.stdout[-800:]}\nstderr: {r.stderr[-1500:]}"
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert "Traceback" not in r.stdout + r.stderr, shown
    assert r.returncode == code, shown
    assert len(lines) == 1 and all(w in lines[0] for w in words), shown
    return lines[0]


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under ``root``: relative path -> sha256 (folders: "dir")."""
    return {str(p.relative_to(root)): "dir" if p.is_dir() else
            hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))}


def files_in(root: Path) -> list[Path]:
    """The files under ``root`` (folders left out), hidden ones included."""
    return sorted(p for p in root.rglob("*") if not p.is_dir())


def fill_up(folder: Path) -> Path:
    """Fill ``folder``'s file system to the last byte (``.filler``): writes then fail."""
    path = folder / ".filler"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for chunk in (1 << 16, 1):
            try:
                while True:
                    os.write(fd, b"\0" * chunk)
            except OSError:  # ENOSPC
                continue
    finally:
        os.close(fd)
    return path
