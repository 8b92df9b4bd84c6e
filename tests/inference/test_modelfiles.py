"""Every model file is checked at load against the size and sha256 its folder's
metadata.json records (issue 17): another precision's ``.bin`` is one line naming the
file, not a classifier that reads every frame as none or an "Axis ... out of the tensor
rank range"; each file is hashed once per process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rps.errors import ModelError
from rps.inference.modelfiles import SHIPPED_MODELS, _sha256, check_ir, load_model_files
from rps.recognizers.hand.recognizer import DEFAULT_HAND_MODEL
from rps.types import PRECISIONS
from tests.clitools import rps, says

ROOT = Path(__file__).resolve().parents[2]


def _with_fp16_weights_as_fp32(model: Path, tmp_path: Path) -> Path:
    copy = tmp_path / model.name
    shutil.copytree(model, copy)
    shutil.copyfile(copy / "FP16" / "model.bin", copy / "FP32" / "model.bin")
    return copy


@pytest.mark.parametrize("recognizer", ["hand", "cnn"])
def test_another_precisions_weights_are_one_line_naming_the_file(tmp_path, recognizer):
    shipped = DEFAULT_HAND_MODEL if recognizer == "hand" else SHIPPED_MODELS / "rps-mobilenet"
    model = _with_fp16_weights_as_fp32(shipped, tmp_path)
    r = rps("bench", "--source", "synthetic", "-r", recognizer, "--model", model, "-p", "FP32",
            "--frames", 5, "--max", "--quiet")
    says(r, 2, f"{model / 'FP32' / 'model.bin'} is damaged or belongs to another model")


def test_every_shipped_model_folder_is_stamped_and_matches():
    """Fails after a shipped model is replaced without `python scripts/stamp_models.py`."""
    folders = [p.parent for p in SHIPPED_MODELS.rglob("metadata.json")]
    assert sorted(f.relative_to(SHIPPED_MODELS).as_posix() for f in folders) == [
        "mediapipe-hands/landmarks", "mediapipe-hands/landmarks-jpeg", "mediapipe-hands/palm",
        "rps-hand", "rps-mobilenet"]
    for folder in folders:
        stamps = json.loads((folder / "metadata.json").read_text()).get("files", {})
        ir = {f"{p}/model{ext}" for p in PRECISIONS for ext in (".xml", ".bin")
              if (folder / p / f"model{ext}").is_file()}
        assert ir and set(stamps) == ir, folder
        for xml in load_model_files(folder, need_labels=False).variants.values():
            check_ir(xml)


def test_each_file_is_hashed_once_per_process_until_it_changes(tiny_model, tmp_path):
    model = tmp_path / "tiny"
    shutil.copytree(tiny_model, model)
    xml = model / "FP32" / "model.xml"
    _sha256.cache_clear()
    for _ in range(3):
        check_ir(xml)
    assert _sha256.cache_info().misses == 2  # the .xml and the .bin, once each
    st = xml.with_suffix(".bin").stat()
    os.utime(xml.with_suffix(".bin"), ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    check_ir(xml)
    assert _sha256.cache_info().misses == 3  # touched: hashed again (and still the same)


def test_stamp_models_script_restamps_a_folder_changed_on_purpose(tmp_path):
    model = _with_fp16_weights_as_fp32(DEFAULT_HAND_MODEL, tmp_path)
    with pytest.raises(ModelError, match=r"FP32/model\.bin is damaged"):
        check_ir(model / "FP32" / "model.xml")
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "stamp_models.py"), str(model)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "4 files stamped" in r.stdout, r.stderr
    check_ir(model / "FP32" / "model.xml")
