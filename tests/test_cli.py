import json
import os
import subprocess
import sys

import pytest

from rps.cli import main
from rps.cli.parser import build_parser
from tests.clitools import rps
from tests.conftest import FIXTURE_DATA


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


# ---- the small things of issue 17, each through the real CLI ---------------------------
BENCH = ("bench", "--source", "synthetic", "-r", "cnn", "--quiet")


def _bench_rows(tiny_model, tmp_path, *args) -> tuple[subprocess.CompletedProcess, list]:
    out = tmp_path / "bench.json"
    r = rps(*BENCH, "--model", tiny_model, "--json", out, *args)
    assert r.returncode == 0, r.stderr

    def no_nan(name: str):
        raise AssertionError(f"{name} in the JSON (not JSON)")

    return r, json.loads(out.read_text(), parse_constant=no_nan)


def test_eval_limit_counts_with_data(tiny_model, tmp_path):
    out = tmp_path / "eval.json"
    r = rps("eval", "--data", FIXTURE_DATA, "-r", "cnn", "--model", tiny_model, "--limit", 1,
            "--json", out)
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text())["n"] == 3  # one image of each of the three classes


def test_bench_seconds_still_count_when_frames_are_given(tiny_model, tmp_path):
    _, rows = _bench_rows(tiny_model, tmp_path, "--frames", 10**7, "--seconds", 1)
    assert rows[0]["count"] < 10**7 and rows[0]["duration_ms"] < 5000


def test_bench_at_a_huge_fps_measures_the_frames_asked_for(tiny_model, tmp_path):
    _, rows = _bench_rows(tiny_model, tmp_path, "--fps", "1e9", "--frames", 30)
    assert rows[0]["count"] == 29  # the first result is kept apart, as first_inference_ms


def test_bench_table_and_json_have_no_nan(tiny_model, tmp_path):
    r, rows = _bench_rows(tiny_model, tmp_path, "--frames", 10, "--max")
    assert "nan" not in r.stdout.lower() and rows[0]["palm_share"] is None
    row = r.stdout.splitlines()[1].split()
    assert row[-2:] == ["-", "-"]  # palm % and hand %: the CNN has no palm stage


def test_help_is_whole_sentences_and_every_option_says_what_it_does():
    r = rps("--help")
    assert r.returncode == 0 and "`rps <command> --help` says more." in " ".join(r.stdout.split())
    for name, sub in build_parser()._subparsers._group_actions[0].choices.items():
        silent = [a.option_strings for a in sub._actions if not a.help]
        assert silent == [], name


def test_output_into_a_closed_pipe_is_no_traceback():
    """`rps serve --list | head -1`: the reader closed its end; rps stops quietly."""
    read, write = os.pipe()
    os.close(read)  # every write to the pipe now fails
    try:
        p = subprocess.run([sys.executable, "-m", "rps", "serve", "--list"], stdout=write,
                           stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    assert p.returncode == 0 and "Traceback" not in p.stderr and "Error" not in p.stderr, \
        p.stderr
