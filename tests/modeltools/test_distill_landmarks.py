"""The landmark model rebuilt in Keras, distilled on spoiled frames, and used on blocky ones."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import openvino as ov
import pytest

from rps.errors import ModelError
from rps.modeltools.degrade import jpeg
from rps.modeltools.distill_landmarks import SOURCE, Crops, landmark_error, spoiled
from rps.recognizers.hand.deblock import BLOCKY, blockiness

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HAND = FIXTURES / "sign-digits" / "IMG_4111.jpg"


@pytest.mark.skipif(not SOURCE.is_file(), reason="needs ../shared/models/mediapipe-hands")
def test_the_keras_rebuild_reads_as_the_tflite_does():
    pytest.importorskip("keras", reason="needs the train extra")
    from rps.modeltools.tflite_keras import keras_from_tflite

    model = keras_from_tflite(SOURCE)
    core = ov.Core()
    ref = core.compile_model(core.read_model(str(SOURCE)), "CPU",
                             {"INFERENCE_PRECISION_HINT": "f32"})
    x = (cv2.resize(cv2.imread(str(HAND)), (224, 224))[..., ::-1] / 255).astype(np.float32)[None]
    got, want = model(x), ref(x)
    assert len(got) == 4 and want[ref.outputs[1]][0, 0] > 0.9  # a hand, flagged
    for g, o in zip(got, ref.outputs, strict=True):
        np.testing.assert_allclose(np.asarray(g), want[o], atol=2e-3)
    assert len(model.trainable_weights) > 50  # every convolution and dense layer trains


def test_an_op_the_rebuild_does_not_know_is_named(tmp_path):
    keras = pytest.importorskip("keras", reason="needs the train extra")
    tf = pytest.importorskip("tensorflow")

    from rps.modeltools.tflite_keras import keras_from_tflite

    inp = keras.Input((8, 8, 3))
    net = keras.Model(inp, keras.layers.MaxPooling2D()(keras.layers.Conv2D(4, 3)(inp)))
    path = tmp_path / "pool.tflite"
    path.write_bytes(tf.lite.TFLiteConverter.from_keras_model(net).convert())
    with pytest.raises(ModelError, match="MAX_POOL_2D"):
        keras_from_tflite(path)
    (tmp_path / "bad.tflite").write_bytes(b"not a flatbuffer")
    with pytest.raises(ModelError, match="cannot read"):
        keras_from_tflite(tmp_path / "bad.tflite")


def test_spoilings_are_seeded_and_jpeg_is_smoothed_as_the_recognizer_smooths_it():
    img = cv2.imread(str(HAND))
    kinds = set()
    for seed in range(40):
        a, kind = spoiled(img, np.random.default_rng(seed))
        b, again = spoiled(img, np.random.default_rng(seed))
        assert kind == again and np.array_equal(a, b)
        kinds.add(kind)
        if kind == "clean":
            assert np.array_equal(a, img)
        if "jpeg" in kind:  # blocky, then smoothed as the recognizer smooths it
            assert blockiness(a) < BLOCKY
    assert {"clean", "grey", "jpeg"} <= kinds


def test_the_landmark_error_counts_held_out_squares_with_a_hand_only():
    target = np.zeros((4, 65), np.float32)
    target[:, 63] = [0.99, 0.99, 0.99, 0.01]  # the last square has no hand
    read = target.copy()
    read[:, 0] += [3.0, 4.0, 100.0, 100.0]  # landmark 0 moved 3, 4, 100 and 100 px
    crops = Crops(np.zeros((4, 1, 1, 3), np.uint8), target,
                  np.array(["jpeg", "jpeg", "grey", "jpeg"]), np.array([True, True, False, True]))
    err = landmark_error(crops, read)
    assert err == {"jpeg": pytest.approx((3 + 4) / 2 / 21, abs=1e-3)}  # grey: fitted on


def test_only_frames_judged_blocky_are_read_by_the_jpeg_landmark_model():
    from dataclasses import replace

    from rps.recognizers.hand.recognizer import load_hand

    hand = load_hand(track=False)
    assert hand.jpeg is not None  # shipped
    core = ov.Core()
    both, plain = hand.stages(core), replace(hand, jpeg=None).stages(core)
    img = cv2.imread(str(HAND))
    same = [h.landmarks for h in both(img)], [h.landmarks for h in plain(img)]
    np.testing.assert_array_equal(*same)  # a clean photo: MediaPipe's model alone
    blocky = jpeg(img, 8)
    a, b = both(blocky), plain(blocky)
    assert both.tracker.deblock.blocky and a and b
    assert np.abs(a[0].landmarks - b[0].landmarks).max() > 0.5  # another model read it


def test_the_converted_outputs_are_put_back_in_the_models_order():
    keras = pytest.importorskip("keras", reason="needs the train extra")
    from rps.modeltools.distill_landmarks import in_order

    inp = keras.Input((224, 224, 3))
    pooled = keras.layers.GlobalAveragePooling2D()(inp)
    outs = [keras.layers.Dense(63, name="z_landmarks")(pooled),
            keras.layers.Dense(1, activation="sigmoid", name="y_flag")(pooled),
            keras.layers.Dense(1, activation="sigmoid", name="x_left")(pooled),
            keras.layers.Dense(63, name="a_world")(pooled)]
    model = keras.Model(inp, outs)
    converted = ov.convert_model(model, input=[1, 224, 224, 3])
    results = converted.get_results()
    shuffled = ov.Model([results[i] for i in (3, 2, 0, 1)], converted.get_parameters())
    x = np.random.default_rng(1).random((1, 224, 224, 3), np.float32)
    for ir in (converted, shuffled):  # whatever order the conversion gave
        got = ov.Core().compile_model(in_order(ir, model), "CPU",
                                      {"INFERENCE_PRECISION_HINT": "f32"})(x)
        for k, want in enumerate(model(x)):
            np.testing.assert_allclose(got[k], np.asarray(want), atol=1e-4)


def test_the_shipped_jpeg_model_reads_a_clean_hand_as_mediapipes_does():
    from dataclasses import replace

    from rps.recognizers.hand.recognizer import load_hand
    from rps.recognizers.hand.roi import crop

    hand = load_hand(track=False)
    assert hand.jpeg is not None  # shipped
    core = ov.Core()
    f32 = {"INFERENCE_PRECISION_HINT": "f32"}
    models = [core.compile_model(core.read_model(str(m.xml(next(iter(m.variants))))), "CPU",
                                 f32) for m in (hand.landmarks, hand.jpeg)]
    img = cv2.imread(str(HAND))
    found = replace(hand, jpeg=None).stages(core)(img)
    x = (crop(img, found[0].roi, 224)[..., ::-1] / 255).astype(np.float32)[None]
    for view in (x, x[:, :, ::-1].copy()):  # as it is, and mirrored: handedness flips
        a, b = ([np.asarray(m(view)[k]) for k in range(3)] for m in models)
        assert np.abs(a[0] - b[0]).max() < 8  # landmarks, crop pixels
        assert abs(a[1] - b[1]).max() < 0.05 and abs(a[2] - b[2]).max() < 0.1
