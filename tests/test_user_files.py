"""No command deletes what it did not make (issue 17), through the real CLI: `rps
personalize` and `rps collect --clear` refuse what is not theirs in one line, with the
user's files byte for byte as they were, and a killed run's temporary files are cleaned
at the next start (only ours, only when their writer is dead or they are old)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from rps.inference.modelfiles import load_model_files
from rps.modeltools.collect import Recorder
from rps.types import CLASSES
from tests.clitools import files_in, rps, rps_env, says, snapshot


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    """Two frames per class, written as `rps collect` and teach mode write them."""
    rec = Recorder(tmp_path / "rec")
    for k, label in enumerate(CLASSES):
        for i in range(2):
            rec.save(label, np.full((48, 64, 3), 40 * k + 10 * i, np.uint8))
    return rec.root


def personalize(data: Path, out: Path, model: Path):
    return rps("personalize", "-r", "cnn", "--model", model, "--data", data, "--out", out)


@pytest.mark.parametrize("where", ["the recording", "a class folder of it"])
def test_personalize_never_writes_its_model_over_the_recording(recording, tiny_model, where):
    before = snapshot(recording)
    out = recording if where == "the recording" else recording / "rock"
    says(personalize(recording, out, tiny_model), 2, "inside the recording --data")
    assert snapshot(recording) == before


def test_personalize_refuses_a_folder_that_is_not_a_personal_model(recording, tiny_model,
                                                                    tmp_path):
    mine = tmp_path / "models" / "mine"
    (mine / "FP32").mkdir(parents=True)
    (mine / "FP32" / "model.xml").write_text("<my own model/>")
    (mine / "notes.txt").write_text("three weeks of work")
    before = snapshot(mine)
    says(personalize(recording, mine, tiny_model), 2, "not a personal model", "notes.txt")
    assert snapshot(mine) == before


def test_personalize_replaces_its_own_model_unless_the_user_put_files_in_it(recording,
                                                                           tiny_model,
                                                                           tmp_path):
    out = tmp_path / "personal"
    for _ in range(2):  # a new folder, then its own model replaced
        r = personalize(recording, out, tiny_model)
        assert r.returncode == 0 and r.stderr == "", r.stderr
    assert (out / ".rps-personal").is_file()
    assert set(json.loads((out / "metadata.json").read_text())["files"]) == {
        "FP32/model.xml", "FP32/model.bin", "FP16/model.xml", "FP16/model.bin"}
    load_model_files(out)
    (out / ".rps-personal").unlink()  # written before markers: its metadata says personal
    assert personalize(recording, out, tiny_model).returncode == 0
    (out / "notes.txt").write_text("mine")
    before = snapshot(out)
    says(personalize(recording, out, tiny_model), 2, "not a personal model", "notes.txt")
    assert snapshot(out) == before


def test_convert_refuses_an_out_that_is_no_model_folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "labels.txt").write_text("my shopping list")
    before = snapshot(docs)
    says(rps("convert", tmp_path / "model.keras", "--out", docs), 2, "not a model folder")
    assert snapshot(docs) == before


def test_collect_clear_refuses_a_folder_collect_did_not_make(tmp_path):
    docs = tmp_path / "docs"
    (docs / "rock").mkdir(parents=True)
    (docs / "rock" / "1795998942217956267.jpg").write_bytes(b"named like a frame")
    (docs / "rock" / "holiday.jpg").write_bytes(b"a photo")
    (docs / "tax-return.pdf").write_bytes(b"%PDF")
    before = snapshot(docs)
    says(rps("collect", "--clear", "--yes", "--out", docs), 2, "not a recording made by rps")
    assert snapshot(docs) == before


def test_collect_clear_needs_yes_when_there_is_no_terminal_to_ask_on(recording):
    before = snapshot(recording)
    says(rps("collect", "--clear", "--out", recording), 2, "delete the 8 frames", "--yes")
    assert snapshot(recording) == before


def _on_a_terminal(answer: str, *args: object) -> subprocess.CompletedProcess:
    """`rps ARGS` with a terminal on stdin, answering ``answer`` to its question."""
    ours, theirs = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "rps", *map(str, args)], stdin=theirs,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=rps_env())
    os.close(theirs)
    os.write(ours, answer.encode() + b"\n")
    out, err = p.communicate(timeout=60)
    os.close(ours)
    return subprocess.CompletedProcess(p.args, p.returncode, out, err)


def test_collect_clear_asks_on_a_terminal_and_deletes_only_after_yes(recording):
    before = snapshot(recording)
    r = _on_a_terminal("n", "collect", "--clear", "--out", recording)
    assert r.returncode == 1 and "delete the 8 frames" in r.stderr and "nothing deleted" in \
        r.stderr, r.stderr
    assert snapshot(recording) == before
    r = _on_a_terminal("y", "collect", "--clear", "--out", recording)
    assert r.returncode == 0 and "8 frames deleted" in r.stdout, r.stderr
    assert not recording.exists()


def test_collect_clear_deletes_its_frames_and_keeps_the_users_files(recording):
    (recording / "rock" / "my-best-fist.png").write_bytes(b"mine")
    (recording / "README.txt").write_text("what these are")
    r = rps("collect", "--clear", "--yes", "--out", recording)
    assert r.returncode == 0 and "8 frames deleted, 2 other files kept" in r.stdout, r.stderr
    assert {str(p.relative_to(recording)): p.read_bytes() for p in files_in(recording)} == {
        ".rps-recording": (recording / ".rps-recording").read_bytes(),
        "README.txt": b"what these are", "rock/my-best-fist.png": b"mine"}


def _dead_pid() -> int:
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def test_a_killed_runs_temporary_files_are_cleaned_at_the_next_start(recording, tiny_model,
                                                                     tmp_path):
    dead, alive = _dead_pid(), os.getpid()  # this test: a writer still at work
    stale = [recording / "rock" / f".1795998942217956267.jpg.rps-tmp-{dead}-0a1b2c3d",
             recording / f".rps-recording.rps-tmp-{dead}-0a1b2c3d",
             tmp_path / f".personal.rps-new-{dead}-0a1b2c3d",
             tmp_path / f".personal.rps-old-{dead}-1795998942217956267",
             tmp_path / f".personal.rps-new-{alive}-99999999"]  # alive, but two hours old
    kept = [recording / "paper" / f".1795998942217956268.jpg.rps-tmp-{alive}-0a1b2c3d",
            recording / f".notes.rps-tmp-{dead}",  # a user's name: not our pattern
            tmp_path / f"personal.rps-new-{dead}-0a1b2c3d"]
    for path in stale[:2] + kept:
        path.write_bytes(b"half a frame")
    for folder in stale[2:]:
        (folder / "FP32").mkdir(parents=True)
        (folder / "FP32" / "model.bin").write_bytes(b"half a model")
    os.utime(stale[-1], (time.time() - 7200,) * 2)
    r = rps("collect", "--source", "synthetic", "--per-class", 1, "--rate", 50,
            "--countdown", 0, "--out", recording)
    assert r.returncode == 0, r.stderr
    assert personalize(recording, tmp_path / "personal", tiny_model).returncode == 0
    assert [p for p in stale if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []
