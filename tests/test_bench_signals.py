"""`rps bench` ends cleanly on SIGINT, once or repeated, and on SIGTERM (issue 17): it
prints and writes the rows measured so far and exits 130 / 143 with one line, never an
abort ("terminate called without an active exception", exit 134) with every row lost."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from tests.clitools import rps_env


@pytest.mark.parametrize(("signals", "code", "said"), [
    ([signal.SIGINT], 130, "interrupted"),
    ([signal.SIGINT, signal.SIGINT], 130, "interrupted"),  # two quick Ctrl-C
    ([signal.SIGINT] * 6, 130, "interrupted"),
    ([signal.SIGTERM], 143, "terminated"),
], ids=["ctrl-c", "ctrl-c-twice", "ctrl-c-held", "sigterm"])
def test_a_signal_ends_bench_with_the_rows_so_far(tiny_model, tmp_path, signals, code, said):
    cache_dir, out = tmp_path / "cache", tmp_path / "bench.json"
    p = subprocess.Popen([sys.executable, "-m", "rps", "bench", "--source", "synthetic",
                          "-r", "cnn", "--model", str(tiny_model), "--seconds", "60",
                          "--json", str(out), "-p", "FP32", "FP16"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True,
                         env=rps_env(RPS_CACHE_DIR=str(cache_dir)))
    deadline = time.monotonic() + 30
    while not (cache_dir.is_dir() and any(cache_dir.iterdir())) and p.poll() is None:
        assert time.monotonic() < deadline, "bench never compiled"
        time.sleep(0.1)  # the compiled model lands in the cache: the run is starting
    time.sleep(1.5)
    for sig in signals:
        p.send_signal(sig)
        time.sleep(0.02)
    stdout, stderr = p.communicate(timeout=30)
    assert p.returncode == code, stderr
    assert stderr.strip() == f"rps bench: {said}"
    rows = json.loads(out.read_text())
    assert len(rows) == 1 and rows[0]["precision"] == "FP32" and rows[0]["count"] > 0
    assert "FP32" in stdout and f"wrote {out}" in stdout
