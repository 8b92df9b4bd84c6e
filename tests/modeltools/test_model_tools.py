"""train -> convert -> eval end to end on a handful of images, and the converter's inputs.

Needs the train extra (TensorFlow, NNCF); runs a tiny epoch count, not a real training.
"""

import json
import shutil
from pathlib import Path

import numpy as np
import openvino as ov
import pytest

from rps.cli import main
from rps.errors import ModelError, RpsError
from rps.inference.modelfiles import load_model_files
from rps.modeltools.convert import convert
from rps.modeltools.train import SHARED_WEIGHTS
from tests.clitools import files_in, rps, says

keras = pytest.importorskip("keras")
pytest.importorskip("nncf")


@pytest.fixture(scope="module")
def trained(tmp_path_factory, cgi_data) -> Path:
    out = tmp_path_factory.mktemp("train") / "run"
    weights = SHARED_WEIGHTS if SHARED_WEIGHTS.is_file() else "none"  # never a download
    assert main(["train", "--data", str(cgi_data), "--out", str(out), "--limit", "4",
                 "--head-epochs", "1", "--epochs", "1", "--batch", "8",
                 "--weights", str(weights)]) == 0
    return out


def test_train_writes_model_savedmodel_labels_and_report(trained):
    for name in ("model.keras", "saved_model/saved_model.pb", "labels.txt", "report.json",
                 "report.png"):
        assert (trained / name).exists(), name
    report = json.loads((trained / "report.json").read_text())
    assert set(report["test"]["per_class"]) == {"none", "rock", "paper", "scissors"}
    train_groups = set(report["groups"]["train"])
    assert not train_groups & set(report["groups"]["test"])  # held out by render group
    assert "Laurence Moroney" in report["credit"]


def test_convert_then_eval_end_to_end(trained, cgi_data, tmp_path, capsys):
    models = tmp_path / "models" / "mine"
    assert main(["convert", str(trained), "--out", str(models), "--calib", str(cgi_data),
                 "--calib-size", "16"]) == 0
    out = capsys.readouterr().out
    assert "graph:" in out and "INT8" in out
    files = load_model_files(models)
    assert set(files.variants) == {"FP32", "FP16", "INT8"}
    meta = json.loads((models / "metadata.json").read_text())
    assert meta["labels"] == ["none", "rock", "paper", "scissors"]
    assert "CC BY 2.0" in meta["credit"] and meta["input"]["mean"] == [127.5] * 3
    int8_ops = [op.get_type_name() for op in ov.Core().read_model(files.xml("INT8")).get_ops()]
    assert "FakeQuantize" in int8_ops
    assert main(["eval", "--data", str(cgi_data), "--model", str(models), "--keras",
                 str(trained / "model.keras"), "--runs", "1", "--limit", "2",
                 "--out", str(tmp_path / "eval")]) == 0
    result = json.loads((tmp_path / "eval" / "eval.json").read_text())
    assert result["agreement"]["IR FP32"] == 1.0  # f32 IR and Keras agree on every image
    assert result["speedup"]["IR FP32"]["Keras predict"] > 1
    report = (tmp_path / "eval" / "report.md").read_text()
    assert "IR INT8" in report and (tmp_path / "eval" / "timing.png").is_file()


def _teachable_model(n: int):
    """The shape of a Teachable Machine image export: MobileNet v1 + Dense(100) + Dense(N)."""
    base = keras.applications.MobileNet(input_shape=(224, 224, 3), alpha=0.25,
                                        include_top=False, weights=None, pooling="avg")
    return keras.Sequential([keras.Input((224, 224, 3)), base,
                             keras.layers.Dense(100, activation="relu"),
                             keras.layers.Dense(n, activation="softmax")])


@pytest.mark.parametrize("export", ["keras", "savedmodel"])
def test_teachable_machine_exports_convert(tmp_path, export):
    model = _teachable_model(4)
    folder = tmp_path / "tm"
    folder.mkdir()
    if export == "keras":
        model.save(folder / "keras_model.h5")
    else:
        model.export(str(folder / "model.savedmodel"), verbose=False)
    (folder / "labels.txt").write_text("0 Rock\n1 Paper\n2 Scissors\n3 Nothing\n")
    meta = convert(folder, tmp_path / "out", precisions=("FP32", "FP16"))
    assert meta["labels"] == ["rock", "paper", "scissors", "none"]
    x = np.random.default_rng(0).uniform(-1, 1, (1, 224, 224, 3)).astype(np.float32)
    ir = ov.Core().compile_model(str(tmp_path / "out" / "FP32" / "model.xml"), "CPU",
                                 {"INFERENCE_PRECISION_HINT": "f32"})
    assert np.allclose(ir(x)[0], model.predict(x, verbose=0), atol=1e-4)


def test_convert_bad_inputs(tmp_path):
    with pytest.raises(ModelError, match="no such model"):
        convert(tmp_path / "missing.keras", tmp_path / "o")
    (tmp_path / "model.onnx").write_bytes(b"x")
    with pytest.raises(ModelError, match="unsupported format"):
        convert(tmp_path / "model.onnx", tmp_path / "o")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="unsupported format"):
        convert(tmp_path / "empty", tmp_path / "o")


def test_convert_refuses_mismatched_labels_and_non_classifiers(tmp_path):
    d = tmp_path / "tm"
    d.mkdir()
    _teachable_model(4).export(str(d / "model.savedmodel"), verbose=False)
    (d / "labels.txt").write_text("rock\npaper\nscissors\n")
    with pytest.raises(ModelError, match="outputs 4 classes but the labels name 3"):
        convert(d, tmp_path / "o")
    shutil.rmtree(d / "model.savedmodel")
    inp = keras.Input((224, 224, 3))
    keras.Model(inp, keras.layers.Conv2D(3, 3, padding="same")(inp)).export(
        str(d / "model.savedmodel"), verbose=False)
    with pytest.raises(ModelError, match="not a class vector"):
        convert(d, tmp_path / "o")
    (d / "labels.txt").unlink()
    with pytest.raises(ModelError, match=r"no labels\.txt"):
        convert(d, tmp_path / "o")


def test_int8_without_calibration_data_is_a_clear_error(trained, tmp_path):
    with pytest.raises(RpsError, match="INT8 needs calibration images"):
        convert(trained, tmp_path / "o", precisions=("INT8",))


def test_convert_on_a_full_disk_is_one_line_and_writes_nothing(tmp_path, full_disk):
    """Through the real CLI (a SavedModel converts without TensorFlow); issue 17."""
    folder = tmp_path / "tm"
    _teachable_model(4).export(str(folder / "model.savedmodel"), verbose=False)
    (folder / "labels.txt").write_text("rock\npaper\nscissors\nnone\n")
    out = full_disk / "models" / "mine"
    says(rps("convert", folder, "--out", out, "-p", "FP32", "FP16"), 2,
         "No space left on device", str(out))
    assert files_in(full_disk) == [full_disk / ".filler"]
