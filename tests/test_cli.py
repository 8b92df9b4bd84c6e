import json
import os
import subprocess
import sys

import pytest

from rps.cli import main


def _rps(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rps", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "SDL_VIDEODRIVER": "dummy"})


def test_bench_writes_benchmark_app_style_json(tiny_model, tmp_path, capsys):
    out = tmp_path / "bench.json"
    rc = main(["bench", "--source", "synthetic", "--max", "-r", "cnn", "--model", str(tiny_model),
               "--frames", "60", "--hint", "LATENCY", "THROUGHPUT", "--api", "sync", "async",
               "--json", str(out), "--quiet"])
    assert rc == 0
    runs = json.loads(out.read_text())
    assert len(runs) == 4
    for r in runs:
        for key in ("count", "duration_ms", "latency_median_ms", "latency_avg_ms",
                    "latency_min_ms", "latency_max_ms", "throughput_fps", "latency_p95_ms",
                    "dropped_frames", "first_inference_ms", "compile_ms"):
            assert key in r
        assert r["count"] == 59 and r["throughput_fps"] > 0
    assert {(r["hint"], r["api"]) for r in runs} == {
        ("LATENCY", "sync"), ("LATENCY", "async"), ("THROUGHPUT", "sync"),
        ("THROUGHPUT", "async")}
    assert "fps" in capsys.readouterr().out


def test_bench_per_layer_counters(tiny_model, capsys):
    assert main(["bench", "--source", "synthetic", "-r", "cnn", "--model", str(tiny_model),
                 "--frames", "10",
                 "--max", "--pc", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Convolution" in out and "total" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bench", "--source", "7"], "no camera at index 7"),
        (["bench", "--source", "/nope.mp4"], "does not exist"),
        (["bench", "--source", "synthetic", "-d", "TPU"], "unknown device 'TPU'"),
        (["bench", "--source", "synthetic", "--model", "/no/model"], "no model at"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message, tiny_model):
    if "--model" not in args:
        args = [*args, "-r", "cnn", "--model", str(tiny_model)]
    r = _rps(*args)
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and message in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_devices_lists_cpu_and_virtual_devices():
    r = _rps("devices")
    assert r.returncode == 0
    names = [ln.split()[0] for ln in r.stdout.splitlines()]
    assert "CPU" in names and "AUTO" in names and "MULTI:CPU" in names


@pytest.mark.parametrize("command", [
    ["bench", "--source", "synthetic", "--frames", "5", "--quiet"],
    ["play", "--demo", "--frames", "5", "--mute"],
])
def test_play_and_bench_never_import_tensorflow(tmp_path, command):
    """With the default (hand) recognizer and its shipped models."""
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
           "RPS_DATA_DIR": str(tmp_path)}
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "rps", *command],
                       capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 0, r.stderr[-500:]
    imported = {ln.split("|")[-1].strip().split(".")[0] for ln in r.stderr.splitlines()
                if ln.startswith("import time:")}
    assert "openvino" in imported
    assert not imported & {"tensorflow", "keras", "nncf", "torch", "mediapipe"}
