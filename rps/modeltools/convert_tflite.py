"""`rps convert X.tflite`: MediaPipe's palm detector or hand-landmark model -> OpenVINO IR.

OpenVINO reads TFLite itself (no TensorFlow). FP32 and FP16 (compressed weights) are always
written; INT8 is left to `rps convert --precision INT8` with hand crops, and shipped only
where it keeps the landmarks (see README, "The hand models").
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import openvino as ov

from rps.errors import ModelError
from rps.inference.core import first_line

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


def convert_tflite(src: Path, out: Path, precisions: tuple[str, ...] = ("FP32", "FP16")
                   ) -> dict:
    """Write ``out``/{FP32,FP16}/model.xml and metadata.json with the credit."""
    model = read_tflite(src)
    kind = kind_of(model, src)
    if "INT8" in precisions:
        raise ModelError("INT8 of the MediaPipe hand models: quantize with "
                         "`rps quantize-hands` (not built yet); use FP32 / FP16")
    out.mkdir(parents=True, exist_ok=True)
    for p in precisions:
        ov.save_model(model, out / p / "model.xml", compress_to_fp16=(p == "FP16"))
        print(f"{p}: {out / p / 'model.xml'}")
    what, size, outputs = KINDS[kind]
    meta = {
        "name": out.name, "kind": kind, "description": f"MediaPipe {what}",
        "source": src.name, "sha256": hashlib.sha256(src.read_bytes()).hexdigest(),
        "input": {"size": [size, size], "color": "RGB", "layout": "NHWC", "range": [0, 1]},
        "outputs": outputs, "credit": CREDIT, "licence": "Apache-2.0",
        "date": date.today().isoformat(),
    }
    (out / "metadata.json").write_text(json.dumps(meta, indent=2) + "\n")
    return meta
