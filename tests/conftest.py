"""Shared fixtures: a small real IR model, a model cache per session, sample images."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clitools import fill_up
from tests.tinymodel import write_tiny_model_dir

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data" / "rps-cgi"
FIXTURE_DATA = Path(__file__).resolve().parent / "fixtures" / "rps-cgi"
# Subprocesses (`python -m rps`) import this checkout's rps, wherever pytest runs from.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_model_dir(tmp_path_factory.mktemp("models") / "tiny")


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ov-cache")
    os.environ["RPS_CACHE_DIR"] = str(path)
    return path


@pytest.fixture(scope="session")
def cgi_data() -> Path:
    """The shared CGI set when present, else the few attributed images under tests/fixtures
    (RPS_TEST_FIXTURES_ONLY=1 forces those, to check the suite runs from a plain clone)."""
    if SHARED_DATA.is_dir() and not os.environ.get("RPS_TEST_FIXTURES_ONLY"):
        return SHARED_DATA
    return FIXTURE_DATA


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on its own 1 MiB tmpfs (``tests.clitools.fill_up`` fills it), for the
    full-disk tests; skipped where a tmpfs cannot be mounted (they need root)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    try:
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "rps-test", str(mnt)],
                           capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot mount a tmpfs for the full-disk tests: {exc}")
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs for the full-disk tests (they need root): "
                    f"{r.stderr.strip() or r.returncode}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True, timeout=30)


@pytest.fixture
def full_disk(small_disk: Path) -> Path:
    """``small_disk`` filled to the last byte: every write there fails with ENOSPC."""
    fill_up(small_disk)
    return small_disk


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """One `rps serve` (FP16 and FP32 stages) for the session's remote-device tests; skipped
    only when the serve extra is not installed."""
    from tests.servers import Server, need_serve_extra

    need_serve_extra()
    server = Server(tmp_path_factory.mktemp("serve") / "serve.log", ("FP16", "FP32"))
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator:
    """An `rps serve` a test may kill and restart (FP16 stages only, for speed)."""
    from tests.servers import Server, need_serve_extra

    need_serve_extra()
    server = Server(tmp_path / "serve.log")
    try:
        yield server
    finally:
        server.stop()
