"""A real `rps serve` in a subprocess on free loopback ports, for the remote-device tests:
started, waited for, and always killed (terminate, then kill) by the fixture that made it.

The test process imports tritonclient (the client) but never kserve: the two register the
same protobuf names, which is why the server runs in its own process.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.clitools import rps_env

EXTRA_MISSING = [m for m in ("kserve", "tritonclient") if importlib.util.find_spec(m) is None]


def need_serve_extra() -> None:
    """Skip, with the reason, only when the serve extra is not installed."""
    if EXTRA_MISSING:
        pytest.skip(f"the serve extra is not installed ({', '.join(EXTRA_MISSING)} missing): "
                    "pip install 'rps[serve]'")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `rps serve` process; ``device`` is the client's remote:127.0.0.1:PORT."""

    def __init__(self, log: Path, precisions: tuple[str, ...] = ("FP16",),
                 port: int | None = None):
        self.port = port or free_port()
        self.rest_port = free_port()
        while self.rest_port == self.port:  # the OS may hand the same free port out twice
            self.rest_port = free_port()
        self.precisions = precisions
        self.log = log
        self.proc: subprocess.Popen | None = None

    @property
    def device(self) -> str:
        return f"remote:127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> Server:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "rps", "serve", "--port", str(self.port),
                 "--rest-port", str(self.rest_port), "--precision", *self.precisions],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=rps_env(), start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"rps serve exited {self.proc.returncode}:\n"
                                     f"{self.log.read_text()[-3000:]}")
            if all(_listening(p) for p in (self.port, self.rest_port)):
                return self
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"rps serve not listening after {timeout} s:\n"
                             f"{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """As a crash: SIGKILL, no goodbye to the clients."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, 9)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGCONT)  # a stopped server (a hang test) ends now
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.kill()


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0
