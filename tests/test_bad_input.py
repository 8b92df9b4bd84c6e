"""Everything a player, a disk or a command line can get wrong, through the real CLI.

Each case runs ``python -m rps ...`` as a subprocess (SDL's dummy video and audio drivers
unless the case is about them; RPS_DATA_DIR / RPS_CACHE_DIR in a temporary folder) and
checks the exit code, what stderr says (one line, or nothing) and that no traceback is
printed anywhere. The cases run a few at a time in one fixture so the file stays fast.

Tests run as root here, and root writes into mode-000 folders, so "unwritable" is made in
ways that fail for root too: a folder under a regular file (ENOTDIR), /sys/kernel (EACCES
on create), and a history.json that is a symlink to /proc/self/mem (EIO on read).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from rps.capture import DEMO_CLIP
from rps.game.history import History
from tests.clitools import rps_env

GAME = "play --source synthetic -r cnn --model {model} --frames 40 --mute"
BENCH = "bench --source synthetic -r cnn --model {model} --frames 5 --max --quiet"
UNDER_A_FILE = "{file}/sub"  # ENOTDIR, for root too
READ_ONLY = "/sys/kernel"  # a folder in which nobody, root included, can create a file


@dataclass(frozen=True)
class Case:
    """A command (``{name}`` is a path of the sandbox; ``{case}`` this case's own folder),
    the environment on top of the test one, and what must come out: the exit code and a
    piece of the one stderr line (None: stderr stays empty)."""

    id: str
    args: str
    code: int = 2
    says: str | None = "error:"
    env: tuple[tuple[str, str], ...] = ()
    unset: tuple[str, ...] = ()
    history: str = ""  # "dir", "wrong-shape" or "unreadable": a history.json set up so
    maybe: bool = False  # the line may be missing (it depends on how the game went)


def data(path: str) -> tuple[tuple[str, str], ...]:
    return (("RPS_DATA_DIR", path),)


def cache(path: str) -> tuple[tuple[str, str], ...]:
    return (("RPS_CACHE_DIR", path),)


def out_of_range(id: str, args: str) -> Case:
    return Case(id, args, 2, "out of range")


CASES = [
    # the data folder: the game goes on (S screenshot and T teach are pressed), collect stops
    Case("play-data-under-a-file", GAME + " --keys 5:s,10:t", 0, None, data(UNDER_A_FILE)),
    Case("play-data-read-only", GAME + " --keys 5:s,10:t", 0, None, data(READ_ONLY)),
    Case("play-match-end-unwritable", "play --source synthetic -r cnn --model {model} --first-to 1 "
         "--frames 330 --mute", 0, "not saved", data(UNDER_A_FILE), maybe=True),
    Case("play-history-is-a-folder", GAME, 0, None, history="dir"),
    Case("play-history-wrong-shape", GAME, 0, None, history="wrong-shape"),
    Case("play-history-unreadable", GAME, 0, None, history="unreadable"),
    Case("collect-data-under-a-file", "collect --source synthetic --countdown 0", 2,
         "is a file, not a folder", data(UNDER_A_FILE)),
    Case("collect-data-read-only", "collect --countdown 0", 2, "Permission denied",
         data(READ_ONLY)),
    # the model cache: one warning, no cache
    Case("bench-cache-under-a-file", BENCH, 0, "without the model cache", cache(UNDER_A_FILE)),
    Case("play-cache-read-only", GAME, 0, "without the model cache", cache(READ_ONLY + "/rps")),
    # the user's files
    Case("convert-labels-missing", "convert {savedmodel} --labels {tmp}/missing.txt "
         "--out {case}/out", 2, "no labels file"),
    Case("convert-labels-not-utf8", "convert {latin1} --out {case}/out", 2, "not UTF-8"),
    Case("bench-metadata-bad-size", BENCH.replace("{model}", "{meta_size}"), 2, "input.size"),
    Case("bench-metadata-a-list", BENCH.replace("{model}", "{meta_list}"), 2, "JSON object"),
    Case("bench-json-under-a-file", BENCH + " --json {file}/out.json", 2, "not a folder"),
    Case("bench-json-read-only", BENCH + " --json /sys/kernel/out.json", 2,
         "Permission denied"),
    Case("collect-out-is-a-file", "collect --source synthetic --out {file}", 2,
         "not a folder"),
    Case("personalize-out-is-a-file", "personalize --data {tmp} --model {model} --out {file}",
         2, "not a folder"),
    Case("personalize-no-hands-found", "personalize --data {grey} --out {case}/o", 2,
         "personalize --recognizer cnn"),
    Case("personalize-cnn-model-as-hand", "personalize --data {grey} --model {model} "
         "--out {case}/o", 2, "not a hand gesture classifier"),
    Case("personalize-unknown-recognizer", "personalize -r mlp", 2, "invalid choice"),
    Case("bench-truncated-video", "bench --source {trunc} --frames 3 --quiet", 2,
         "not a playable video"),  # and no FFmpeg lines
    Case("bench-garbage-ir", BENCH.replace("{model}", "{garbage}"), 2,
         "not an OpenVINO IR"),  # and no TensorFlow-frontend lines
    # numbers
    out_of_range("bench-seconds-0", BENCH + " --seconds 0"),
    out_of_range("bench-seconds-negative", BENCH + " --seconds -1"),
    out_of_range("bench-seconds-nan", BENCH + " --seconds nan"),
    out_of_range("bench-frames-negative", "bench --frames -5"),
    out_of_range("play-frames-negative", "play --frames -1"),
    out_of_range("play-fps-negative", "play --fps -10"),
    out_of_range("bench-nireq-negative", "bench --nireq -3"),
    out_of_range("bench-nireq-1000", "bench --nireq 1000"),
    out_of_range("collect-rate-0", "collect --rate 0"),
    out_of_range("play-first-to-0", "play --first-to 0"),
    out_of_range("collect-per-class-0", "collect --per-class 0"),
    out_of_range("convert-calib-size-0", "convert {savedmodel} --out {case}/o --calib-size 0"),
    out_of_range("eval-runs-0", "eval --runs 0"),
    out_of_range("eval-limit-negative", "eval --limit -1"),
    out_of_range("train-limit-negative", "train --limit -1"),
    Case("bench-synthetic-0x0", BENCH.replace("synthetic", "synthetic:0x0"), 2, "out of range"),
    Case("bench-synthetic-huge", BENCH.replace("synthetic", "synthetic:20000x20000"), 2,
         "out of range"),
    Case("bench-not-a-number", "bench --frames many", 2, "not a number"),
    # the display and the sound card
    Case("play-bogus-video-driver", GAME, 2, "cannot open a window",
         (("SDL_VIDEODRIVER", "bogus"),)),
    Case("play-stale-display", GAME, 2, "no usable display", (("DISPLAY", ":77"),),
         unset=("SDL_VIDEODRIVER", "WAYLAND_DISPLAY")),
    Case("play-no-sound-card", GAME, 0, None, unset=("SDL_AUDIODRIVER",)),
]


def _sandbox(root: Path, model: Path) -> dict[str, str]:
    """The files the cases point at."""
    (root / "file.txt").write_text("a regular file\n")
    models = {}
    for name, meta in (("meta_size", {"input": {"size": "big"}}), ("meta_list", [1, 2])):
        shutil.copytree(model, root / name)
        (root / name / "metadata.json").write_text(json.dumps(meta))
        models[name] = str(root / name)
    garbage = root / "garbage"
    (garbage / "FP32").mkdir(parents=True)
    (garbage / "FP32" / "model.xml").write_text("<garbage>not an IR")
    (garbage / "FP32" / "model.bin").write_bytes(os.urandom(64))
    shutil.copy(model / "labels.txt", garbage / "labels.txt")
    for name, labels in (("savedmodel", b"rock\npaper\n"), ("latin1", b"pap\xe9\n")):
        (root / name).mkdir()
        (root / name / "saved_model.pb").write_bytes(b"")
        (root / name / "labels.txt").write_bytes(labels)
    (root / "trunc.mp4").write_bytes(DEMO_CLIP.read_bytes()[:20000])
    for label in ("none", "rock", "paper", "scissors"):  # a dim grey camera: no hand found
        (root / "grey" / label).mkdir(parents=True)
        for k in range(2):
            cv2.imwrite(str(root / "grey" / label / f"{k}.jpg"),
                        np.full((120, 160, 3), 30 + k, np.uint8))
    return {"tmp": str(root), "file": str(root / "file.txt"), "model": str(model),
            "grey": str(root / "grey"),
            "garbage": str(garbage), "savedmodel": str(root / "savedmodel"),
            "latin1": str(root / "latin1"), "trunc": str(root / "trunc.mp4"), **models}


def _prepare_history(kind: str, folder: Path) -> None:
    folder.mkdir(parents=True)
    path = folder / "history.json"
    if kind == "dir":
        path.mkdir()
    elif kind == "wrong-shape":
        path.write_text('[{"throws": 5}]')
    elif kind == "unreadable":
        path.symlink_to("/proc/self/mem")  # reading it fails with EIO, for root too


def _run(case: Case, paths: dict[str, str]) -> subprocess.CompletedProcess:
    folder = Path(paths["tmp"]) / case.id
    values = {**paths, "case": str(folder)}
    env = rps_env(RPS_DATA_DIR=str(folder / "data"), RPS_CACHE_DIR=str(Path(paths["tmp"]) /
                                                                          "cache"))
    env.update({k: v.format(**values) for k, v in case.env})
    for name in case.unset:
        env.pop(name, None)
    if case.history:
        _prepare_history(case.history, folder / "data")
    args = [a.format(**values) for a in case.args.split()]
    try:
        return subprocess.run([sys.executable, "-m", "rps", *args], capture_output=True,
                              text=True, timeout=60, env=env)
    except subprocess.TimeoutExpired as exc:  # reported by its own case, not the fixture
        return subprocess.CompletedProcess(args, -9, str(exc.stdout), f"timed out: {exc}")


@pytest.fixture(scope="module")
def outcomes(tiny_model, tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    paths = _sandbox(tmp_path_factory.mktemp("bad-input"), tiny_model)
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = {c.id: pool.submit(_run, c, paths) for c in CASES}
    return {k: f.result() for k, f in runs.items()}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_line_never_a_traceback(case: Case, outcomes):
    r = outcomes[case.id]
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    shown = f"exit {r.returncode}\nstdout: {r.stdout[-800:]}\nstderr: {r.stderr[-1500:]}"
    assert "Traceback" not in r.stdout + r.stderr, shown
    assert r.returncode == case.code, shown
    if case.says is None:
        assert lines == [], shown
    elif case.maybe and not lines:
        return
    else:
        assert len(lines) == 1 and case.says in lines[0], shown
        if case.code == 2:
            assert lines[0].startswith("rps"), shown


def test_collect_writes_no_progress_counter_into_a_log(tmp_path):
    """`\\r` progress is for a terminal; captured stderr gets the prompts only."""
    r = subprocess.run([sys.executable, "-m", "rps", "collect", "--source", "synthetic",
                        "--per-class", "2", "--rate", "50", "--countdown", "0", "--out",
                        str(tmp_path / "rec")], capture_output=True, text=True, timeout=60,
                       env=rps_env())
    assert r.returncode == 0, r.stderr
    assert "\r" not in r.stderr and "Traceback" not in r.stderr
    assert len(list((tmp_path / "rec").rglob("*.jpg"))) == 8


def _add_matches(path: str, who: str, n: int) -> None:
    history = History(Path(path))
    for i in range(n):
        assert history.add({"throws": [["rock", "paper"]], "who": who, "i": i}) is None


def test_two_processes_adding_matches_at_once_lose_none(tmp_path):
    """The History class itself in two processes, each saving 40 matches as fast as it can
    into one file: reload-merge-write under the lock keeps all 80."""
    path = str(tmp_path / "history.json")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_add_matches, args=(path, who, 40)) for who in "ab"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    saved = History(Path(path)).matches
    assert sorted((m["who"], m["i"]) for m in saved) == [(w, i) for w in "ab" for i in range(40)]


def test_two_games_sharing_a_data_folder_both_keep_their_matches(tiny_model, tmp_path):
    """The real CLI: two `rps play` processes at once on one data folder. With the tiny model
    every synthetic frame reads as a confident throw, so a shown hand starts the rounds and
    --first-to 1 ends a match on the first round that is not a draw (Space starts more)."""
    cmd = [sys.executable, "-m", "rps", "play", "--source", "synthetic", "-r", "cnn", "--model",
           str(tiny_model), "--first-to", "1", "--frames", "1200", "--keys",
           "200:space,700:space", "--mute"]  # rounds run on the clock: room for a loaded box
    env = rps_env(RPS_DATA_DIR=str(tmp_path))
    games = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) for _ in range(2)]
    played = 0
    for g in games:
        stdout, stderr = g.communicate(timeout=120)
        assert g.returncode == 0 and stderr == "", stderr
        played += int(stdout.split()[0]) if "played" in stdout else 0
    saved = History(tmp_path / "history.json").matches
    assert played >= 1 and len(saved) == played
