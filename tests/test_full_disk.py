"""A full disk is one line and exit 2 in every command that writes, and leaves no partial
or empty file behind (issue 17), through the real CLI on a small tmpfs filled to the
last byte (``full_disk``; skipped where one cannot be mounted). The game says it on
screen and plays on, with nothing on stderr (libpng used to print there)."""

from __future__ import annotations

import numpy as np
import pytest

from rps.modeltools.collect import Recorder
from rps.types import CLASSES
from tests.clitools import files_in, fill_up, rps, says, snapshot

BENCH = ("bench", "--source", "synthetic", "-r", "cnn", "--frames", 10, "--max", "--quiet")


def _only_the_filler(disk) -> None:
    assert files_in(disk) == [disk / ".filler"]


def test_collect(full_disk):
    r = rps("collect", "--source", "synthetic", "--per-class", 2, "--rate", 50,
            "--countdown", 0, "--out", full_disk / "rec")
    says(r, 2, "No space left on device", str(full_disk / "rec"))
    _only_the_filler(full_disk)


def test_personalize_keeps_the_model_it_would_have_replaced(small_disk, tiny_model, tmp_path):
    rec = Recorder(tmp_path / "rec")
    for k, label in enumerate(CLASSES):  # two frames a class: the fewest a refit checks on
        for shade in (0, 10):
            rec.save(label, np.full((48, 64, 3), 60 * k + shade, np.uint8))
    out = small_disk / "personal"
    args = ("personalize", "-r", "cnn", "--model", tiny_model, "--data", rec.root, "--out", out)
    assert rps(*args).returncode == 0
    before = snapshot(out)
    fill_up(small_disk)
    says(rps(*args), 2, "No space left on device", str(out))
    assert snapshot(out) == before
    assert sorted(p.name for p in small_disk.iterdir()) == [".filler", "personal"]


@pytest.mark.parametrize("command", ["bench", "eval"])
def test_json_reports(full_disk, tiny_model, cgi_data, command):
    out = full_disk / "out.json"
    args = BENCH if command == "bench" else ("eval", "--data", cgi_data, "-r", "cnn",
                                             "--limit", 1)
    says(rps(*args, "--model", tiny_model, "--json", out), 2, "No space left on device",
         str(out))
    _only_the_filler(full_disk)


def test_a_screenshot_in_the_game_is_a_message_not_an_empty_file(full_disk, tiny_model):
    r = rps("play", "--source", "synthetic", "-r", "cnn", "--model", tiny_model,
            "--frames", 30, "--keys", "5:s", "--mute", RPS_DATA_DIR=str(full_disk / "data"))
    assert r.returncode == 0 and r.stderr == "", r.stderr
    _only_the_filler(full_disk)
