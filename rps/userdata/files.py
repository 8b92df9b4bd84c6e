"""How rps writes a user's files: under a temporary name beside the target, then renamed
over it, so a full disk, a kill or a crash leaves the old file or the new one, never a
part of one and never an empty one.

Temporary names say who made them (``.<target>.rps-<kind>-<pid>-<random>``), so the next
start removes what a killed run left (``clean_stale``) and never anything else: only
names of that pattern, and only when their writer is dead or they are over an hour old.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
STALE_AFTER = 3600.0  # seconds: older temporary files are stale whoever wrote them
_TEMP = re.compile(r"^\..+\.rps-(?:tmp|new|old)-(\d+)-[A-Za-z0-9_]+$")
# Errors that mean "the disk or its owner said no": a line for the user, not a traceback.
DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EACCES,
               errno.EPERM, errno.ENOTDIR, errno.EISDIR, errno.EIO}


def _prefix(target: Path, kind: str) -> str:
    return f".{target.name}.rps-{kind}-{os.getpid()}-"


def _fresh(target: Path, kind: str, make: Callable[[str], T]) -> tuple[Path, T]:
    """A new temporary name beside ``target`` and what ``make`` returned making it (it
    must fail if the name exists). Not tempfile's: that makes files 0600 and folders
    0700, and a user's recordings and models should get the modes their umask gives."""
    for _ in range(100):
        path = target.with_name(_prefix(target, kind) + secrets.token_hex(4))
        try:
            return path, make(str(path))
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target))


def _named(exc: OSError, path: Path) -> OSError:
    """``exc`` with the target's name on it: a failed ``write()`` names no file."""
    if exc.filename is not None:
        return exc
    return OSError(exc.errno, exc.strerror or str(exc), str(path))


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all (fsynced, then renamed over the old one). An
    OSError names ``path``."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp, fd = _fresh(path, "tmp", lambda name: os.open(
            name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise _named(exc, path) from None
    finally:
        if tmp is not None and os.path.lexists(tmp):
            os.unlink(tmp)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


@contextmanager
def staged(target: Path) -> Iterator[Path]:
    """A fresh folder beside ``target`` to build it in; removed if the block fails (the
    block publishes it with ``swap_in`` or ``merge_into``)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging, _ = _fresh(target, "new", os.mkdir)
    try:
        yield staging
    except OSError as exc:  # say where it was going, not the temporary name
        name = str(exc.filename or "")
        if not name.startswith(str(staging)):
            raise
        raise OSError(exc.errno, exc.strerror, str(target) + name[len(str(staging)):]) \
            from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already unless something failed


def swap_in(new: Path, out: Path) -> None:
    """Rename the finished folder ``new`` to ``out``. An old ``out`` is renamed aside first
    and deleted after, so a kill at any point leaves whole folders, never a mix."""
    old = None
    if out.exists():
        old = out.with_name(f"{_prefix(out, 'old')}{time.time_ns()}")
        os.replace(out, old)
    os.replace(new, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def merge_into(new: Path, out: Path) -> list[Path]:
    """Move every file of the finished folder ``new`` to the same place under ``out``,
    each renamed over its old version; files of ``out`` that ``new`` does not hold stay."""
    moved = []
    for src in sorted(p for p in new.rglob("*") if p.is_file()):
        dst = out / src.relative_to(new)
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst)
        moved.append(dst)
    return moved


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, someone else's
        return True
    return True


def clean_stale(folders: Iterable[Path]) -> list[Path]:
    """Remove the temporary files and folders a killed rps left directly in ``folders``:
    only our own names, only when their writer is gone or they are over an hour old.
    Never fails: a folder that cannot be read or cleaned is left as it is."""
    removed = []
    now = time.time()
    for folder in folders:
        try:
            entries = list(Path(folder).iterdir())
        except OSError:
            continue
        for path in entries:
            m = _TEMP.match(path.name)
            try:
                if m is None or (_alive(int(m.group(1))) and
                                 now - path.lstat().st_mtime < STALE_AFTER):
                    continue
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed.append(path)
            except OSError:
                continue
    return removed
