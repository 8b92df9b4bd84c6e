"""User-facing errors: the CLI prints their message as one line and exits non-zero.

Also the one wording of disk trouble (``describe``) and the writability checks
(``check_writable``, ``check_output``), so every command and the game say it the same way.
"""

from __future__ import annotations

import tempfile
from pathlib import Path


class RpsError(Exception):
    """Something the user can fix (bad path, unknown device, no camera): no traceback shown."""

    exit_code = 2


class SourceError(RpsError):
    """A frame source could not be opened or stopped delivering frames."""


class ModelError(RpsError):
    """A model file is missing, corrupt or does not fit what rps expects."""


class DeviceError(RpsError):
    """An inference device is unknown or failed to compile the model."""


def describe(exc: OSError) -> str:
    """An OSError as one short line: 'Permission denied: /x/y' (no errno, no class name)."""
    text = exc.strerror or str(exc) or type(exc).__name__
    return f"{text}: {exc.filename}" if exc.filename else text


def check_output(path: Path, folder: bool) -> Path:
    """``path`` when it can be written as a folder (not an existing file) or as a file (not
    an existing folder) without an error; else RpsError."""
    try:
        if folder and path.exists() and not path.is_dir():
            raise RpsError(f"{path} exists and is not a folder")
        if not folder and path.is_dir():
            raise RpsError(f"{path} is a folder")
    except OSError as exc:
        raise RpsError(f"cannot write to {path}: {exc.strerror or exc}") from None
    check_writable(path if folder else path.parent)
    return path


def check_writable(folder: Path) -> None:
    """Raise RpsError unless files can be created in ``folder`` (or, when it does not exist
    yet, in the nearest existing folder above it, where it would be made). Found by trying a
    probe file: permission bits say yes to root and on read-only or virtual file systems."""
    base = Path(folder).expanduser().absolute()
    try:
        while not base.exists():
            base = base.parent
        if not base.is_dir():
            raise RpsError(f"cannot write to {folder}: {base} is a file, not a folder")
        with tempfile.TemporaryFile(dir=base, prefix=".rps-probe-"):
            pass
    except OSError as exc:
        raise RpsError(f"cannot write to {folder}: {exc.strerror or exc}") from None
