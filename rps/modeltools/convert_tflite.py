"""`rps convert X.tflite`: MediaPipe's palm detector or hand-landmark model -> OpenVINO IR.

OpenVINO reads TFLite itself (no TensorFlow). FP32 and FP16 (compressed weights) by
default; INT8 with `--precision INT8 --calib DIR`: NNCF post-training quantization
calibrated on what each model really sees, letterboxed frames for the palm detector and
rotated hand crops (found by the shipped FP32 stages) for the landmark model.
`scripts/hand_precisions.py` measures what each precision does to the landmarks.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import openvino as ov

from rps.errors import ModelError, RpsError
from rps.inference.core import first_line, save_ir
from rps.inference.modelfiles import stamp_model
from rps.modeltools.dataset import scan
from rps.recognizers import load_recognizer
from rps.recognizers.hand import palm, roi
from rps.recognizers.hand.stages import LANDMARK_SIZE, MARGIN
from rps.userdata.files import merge_into, staged, write_text

CREDIT = "MediaPipe Hands palm detection and hand landmark models, Google, Apache-2.0"
KINDS = {
    "palm": ("palm detector", 192, "[1,2016,18] boxes + 7 keypoints per SSD anchor, "
             "[1,2016,1] score logits"),
    "landmarks": ("hand landmark model", 224, "[1,63] landmarks in crop pixels, [1,1] hand "
                  "presence, [1,1] handedness (left, mirrored view), [1,63] world landmarks"),
}


def read_tflite(path: Path) -> ov.Model:
    if not path.is_file():
        raise ModelError(f"no such model: {path}")
    with path.open("rb") as f:
        if f.read(8)[4:] != b"TFL3":  # the flatbuffer's file identifier
            raise ModelError(f"cannot read {path}: corrupt or not a TFLite model")
    try:  # OpenVINO's own TFLite frontend: no TensorFlow involved
        return ov.Core().read_model(str(path))
    except Exception as exc:
        raise ModelError(f"cannot read {path}: corrupt or not a TFLite model "
                         f"({first_line(exc)})") from None


def kind_of(model: ov.Model, where: Path) -> str:
    """'palm' or 'landmarks', told apart by their outputs; anything else is refused."""
    shapes = sorted(tuple(o.get_partial_shape().to_shape()) if o.get_partial_shape().is_static
                    else () for o in model.outputs)
    if shapes == [(1, 2016, 1), (1, 2016, 18)]:
        return "palm"
    if shapes == [(1, 1), (1, 1), (1, 63), (1, 63)]:
        return "landmarks"
    raise ModelError(f"{where}: not a MediaPipe palm detector or hand landmark model "
                     f"(outputs {shapes}); rps converts only those two .tflite models")


def calibration_inputs(kind: str, data: Path, n: int = 300, seed: int = 0) -> list[np.ndarray]:
    """``n`` network inputs (1 x S x S x 3 RGB floats in [0, 1]) from the images of ``data``,
    prepared as the recognizer prepares them."""
    stages = load_recognizer("hand", track=False).stages(ov.Core())
    samples = scan(data)
    order = np.random.default_rng(seed).permutation(len(samples))
    out: list[np.ndarray] = []
    for i in order:
        if len(out) >= n:
            break
        img = cv2.imread(str(samples[i].path))
        if img is None:
            continue
        if kind == "palm":
            crop = palm.detector_input(img, palm.letterbox((img.shape[1], img.shape[0]),
                                                           MARGIN))
        else:
            found = stages(img)
            if not found:
                continue
            crop = roi.crop(img, found[0].roi, LANDMARK_SIZE)
        out.append((cv2.cvtColor(crop, cv2.COLOR_BGR2RGB)[None] / 255.0).astype(np.float32))
    if not out:
        raise RpsError(f"no calibration inputs could be made from {data}")
    return out


def convert_tflite(src: Path, out: Path, precisions: tuple[str, ...] = ("FP32", "FP16"),
                   calib: Path | None = None, calib_size: int = 300) -> dict:
    """Write ``out``/{FP32,FP16,INT8}/model.xml and metadata.json with the credit
    (stamped), built beside ``out`` and moved in."""
    model = read_tflite(src)
    kind = kind_of(model, src)
    if "INT8" in precisions and calib is None:
        raise RpsError("INT8 needs calibration images: pass --calib DATA_DIR (class folders "
                       "of hand photos)")
    what, size, outputs = KINDS[kind]
    meta = {
        "name": out.name, "kind": kind, "description": f"MediaPipe {what}",
        "source": src.name, "sha256": hashlib.sha256(src.read_bytes()).hexdigest(),
        "input": {"size": [size, size], "color": "RGB", "layout": "NHWC", "range": [0, 1]},
        "outputs": outputs, "credit": CREDIT, "licence": "Apache-2.0",
        "date": date.today().isoformat(), "precisions": list(precisions),
    }
    if "INT8" in precisions:
        meta["int8"] = {"method": "NNCF post-training quantization", "calibration":
                        f"{calib_size} inputs from {calib.name}"}  # type: ignore[union-attr]
    with staged(out) as tmp:  # built beside --out, then moved in: never half a model
        for p in precisions:
            target = model
            if p == "INT8":
                import nncf

                data = calibration_inputs(kind, calib, calib_size)  # type: ignore[arg-type]
                target = nncf.quantize(model, nncf.Dataset(data), subset_size=len(data))
            save_ir(target, tmp / p / "model.xml", compress_to_fp16=(p == "FP16"))
            print(f"{p}: {out / p / 'model.xml'}")
        write_text(tmp / "metadata.json", json.dumps(meta, indent=2) + "\n")
        merge_into(tmp, out)
    return stamp_model(out)

