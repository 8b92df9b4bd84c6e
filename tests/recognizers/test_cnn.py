"""The CNN recognizer: preprocessing baked into the IR, and models it must refuse."""

import json

import cv2
import numpy as np
import openvino as ov
import pytest

from rps.errors import ModelError
from rps.inference.engine import Engine
from rps.recognizers.cnn import load_cnn
from rps.types import Frame
from tests.tinymodel import build_tiny_model, write_tiny_model_dir


def test_preprocessing_matches_manual_reference(tiny_model):
    """The baked-in resize / BGR->RGB / [-1, 1] scaling equals doing it by hand."""
    files = load_cnn(tiny_model)
    engine = Engine(files, frame_hw=(120, 160), precision="FP32")
    rng = np.random.default_rng(1)
    img = cv2.resize(rng.integers(0, 255, (12, 16, 3), dtype=np.uint8), (160, 120))
    img[..., 0] = 255  # strongly blue: a missed colour swap changes the scores
    engine.submit(Frame(1, 0.0, img))
    got = engine.get(5).scores
    ref_in = cv2.cvtColor(cv2.resize(img, (64, 64)), cv2.COLOR_BGR2RGB) / 127.5 - 1
    plain = ov.Core().compile_model(build_tiny_model(64), "CPU",
                                    {"INFERENCE_PRECISION_HINT": "f32"})
    want = plain(ref_in[None].astype(np.float32))[0][0]
    swapped = plain(ref_in[None, ..., ::-1].astype(np.float32))[0][0]
    engine.close()
    assert np.allclose(got, want, atol=0.03)
    assert not np.allclose(want, swapped, atol=0.03)


@pytest.mark.parametrize("stamped", [True, False])
def test_corrupt_xml_is_one_clear_line(tmp_path, stamped):
    """Stamped, the folder's record names the file; a folder with no record (made by
    hand, or before stamps) gets OpenVINO's reading of it, in one line too."""
    d = write_tiny_model_dir(tmp_path / "m", precisions=("FP32",))
    if not stamped:
        (d / "metadata.json").write_text(json.dumps({"input": {"size": [64, 64]}}))
    (d / "FP32" / "model.xml").write_text("<net><layers>this is not")
    files = load_cnn(d)
    want = "model.xml is damaged or belongs to another model" if stamped else \
        "corrupt or not an OpenVINO IR"
    with pytest.raises(ModelError, match=want) as err:
        Engine(files)
    assert "\n" not in str(err.value)


def test_labels_that_do_not_match_the_outputs(tmp_path):
    d = write_tiny_model_dir(tmp_path / "m", precisions=("FP32",))
    (d / "labels.txt").write_text("rock\npaper\nscissors\n")
    with pytest.raises(ModelError, match="outputs 4 classes but the labels name 3"):
        Engine(load_cnn(d))
