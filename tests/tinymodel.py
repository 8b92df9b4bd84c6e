"""A small real classifier built with OpenVINO's graph API, saved as IR for the tests.

It needs no TensorFlow and no download, so the engine tests run from a plain clone.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openvino as ov
from openvino import opset13 as ops

from rps.inference.modelfiles import stamp_model
from rps.types import CLASSES


def build_tiny_model(size: int = 64, classes: int = len(CLASSES), seed: int = 0) -> ov.Model:
    """NHWC float input in [-1, 1] -> conv -> relu -> global pool -> dense + bias -> softmax."""
    rng = np.random.default_rng(seed)
    x = ops.parameter([-1, size, size, 3], ov.Type.f32, name="input")
    t = ops.transpose(x, ops.constant(np.array([0, 3, 1, 2], dtype=np.int64)))
    w = ops.constant(rng.standard_normal((16, 3, 3, 3)).astype(np.float32))
    c = ops.relu(ops.convolution(t, w, [2, 2], [1, 1], [1, 1], [1, 1]))
    pooled = ops.reduce_mean(c, ops.constant(np.array([2, 3], dtype=np.int64)), False)
    dense = ops.constant(rng.standard_normal((16, classes)).astype(np.float32))
    bias = ops.constant(rng.standard_normal((1, classes)).astype(np.float32))
    logits = ops.add(ops.matmul(pooled, dense, False, False), bias)
    return ov.Model([ops.softmax(logits, 1)], [x], "tiny")


def write_tiny_model_dir(root: Path, precisions: tuple[str, ...] = ("FP32", "FP16"),
                         size: int = 64) -> Path:
    """A model folder in the shipped layout: <root>/{FP32,FP16}/model.xml, labels, metadata."""
    root.mkdir(parents=True, exist_ok=True)
    for p in precisions:
        (root / p).mkdir(exist_ok=True)
        ov.save_model(build_tiny_model(size), root / p / "model.xml",
                      compress_to_fp16=(p == "FP16"))
    (root / "labels.txt").write_text("\n".join(CLASSES) + "\n")
    meta = {"name": "tiny", "input": {"size": [size, size]}, "labels": list(CLASSES)}
    (root / "metadata.json").write_text(json.dumps(meta))
    stamp_model(root)  # as every tool that writes a model folder does
    return root
