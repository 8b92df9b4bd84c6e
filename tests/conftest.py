"""Shared fixtures: a small real IR model, a model cache per session, sample images."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
