"""A TFLite model rebuilt as a trainable Keras model, its weights copied from the file.

OpenVINO reads TFLite for inference, but nothing trains it. MediaPipe's hand landmark
model is a MobileNetV2-like stack of the few ops below (float16 weights behind DEQUANTIZE,
batch norm folded into the convolutions, SAME padding, fused RELU6), so it is rebuilt op by
op from the flatbuffer (TensorFlow's own schema reader) and then fine-tuned like any Keras
model (``distill_landmarks``). Any other op is refused with its name.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from rps.errors import ModelError

KNOWN = ("DEQUANTIZE", "CONV_2D", "DEPTHWISE_CONV_2D", "ADD", "MEAN", "FULLY_CONNECTED",
         "LOGISTIC")


def _schema():
    from tensorflow.lite.python import schema_py_generated as schema

    return schema


def _const(model, graph, index: int, schema) -> np.ndarray:
    t = graph.tensors[index]
    data = model.buffers[t.buffer].data
    if data is None or len(data) == 0:
        raise ModelError(f"tensor {index} is neither computed nor constant")
    types = {schema.TensorType.FLOAT32: np.float32, schema.TensorType.FLOAT16: np.float16,
             schema.TensorType.INT32: np.int32}
    if t.type not in types:
        raise ModelError(f"tensor {index}: quantized weights are not supported")
    arr = np.frombuffer(bytes(np.asarray(data, np.uint8)), types[t.type])
    return arr.reshape(list(t.shape)) if len(t.shape) else arr


def keras_from_tflite(path: Path):
    """The model as a Keras functional model; outputs in the file's order."""
    import keras

    s = _schema()
    try:
        buf = Path(path).read_bytes()
        if buf[4:8] != b"TFL3":  # the flatbuffer's file identifier
            raise ValueError("not a TFLite flatbuffer")
        model = s.ModelT.InitFromObj(s.Model.GetRootAsModel(buf, 0))
    except (OSError, ValueError, IndexError, struct.error) as exc:
        raise ModelError(f"cannot read {path} as TFLite: {exc}") from None
    graph = model.subgraphs[0]
    ops = {v: k for k, v in vars(s.BuiltinOperator).items() if not k.startswith("_")}
    pad = {s.Padding.SAME: "same", s.Padding.VALID: "valid"}
    consts: dict[int, np.ndarray] = {}
    env = {}
    shape = [int(d) for d in graph.tensors[graph.inputs[0]].shape[1:]]
    env[graph.inputs[0]] = x0 = keras.Input(shape=tuple(shape), name="input")
    if len(graph.inputs) != 1:
        raise ModelError(f"{path}: a model with one input only")
    weights: list[tuple] = []

    def const(i: int) -> np.ndarray:
        return consts[i] if i in consts else _const(model, graph, i, s)

    def tensor(i: int):
        if i not in env:
            raise ModelError(f"{path}: tensor {i} is not computed by a supported op")
        return env[i]

    def act(y, o, name):
        kind = o.fusedActivationFunction
        if kind == s.ActivationFunctionType.NONE:
            return y
        if kind == s.ActivationFunctionType.RELU6:
            return keras.layers.ReLU(max_value=6.0, name=f"{name}_relu6")(y)
        if kind == s.ActivationFunctionType.RELU:
            return keras.layers.ReLU(name=f"{name}_relu")(y)
        raise ModelError(f"{path}: fused activation {kind} is not supported")

    for k, op in enumerate(graph.operators):
        code = model.operatorCodes[op.opcodeIndex]
        name = ops[max(code.builtinCode, code.deprecatedBuiltinCode)]
        ins, out, o = list(op.inputs), op.outputs[0], op.builtinOptions
        lname = f"op{k:03d}_{name.lower()}"
        if name not in KNOWN:
            raise ModelError(f"{path}: op {name} is not supported by the Keras rebuild")
        if name in ("CONV_2D", "DEPTHWISE_CONV_2D") and (o.dilationHFactor, o.dilationWFactor
                                                         ) != (1, 1):
            raise ModelError(f"{path}: dilated convolutions are not supported")
        bias = [const(ins[2])] if len(ins) > 2 and ins[2] >= 0 else []
        if name == "DEQUANTIZE":
            consts[out] = const(ins[0]).astype(np.float32)
            continue
        if name == "CONV_2D":
            w = const(ins[1])  # [out, h, w, in]
            layer = keras.layers.Conv2D(w.shape[0], w.shape[1:3], (o.strideH, o.strideW),
                                        pad[o.padding], use_bias=bool(bias), name=lname)
            y = act(layer(tensor(ins[0])), o, lname)
            weights.append((layer, [w.transpose(1, 2, 3, 0), *bias]))
        elif name == "DEPTHWISE_CONV_2D":
            w, cin = const(ins[1]), tensor(ins[0]).shape[-1]  # [1, h, w, c * m]
            mult = w.shape[3] // cin
            if mult != max(1, o.depthMultiplier):
                raise ModelError(f"{path}: op {k}: depth multiplier {o.depthMultiplier}, "
                                 f"weights for {mult}")
            layer = keras.layers.DepthwiseConv2D(w.shape[1:3], (o.strideH, o.strideW),
                                                 pad[o.padding], depth_multiplier=mult,
                                                 use_bias=bool(bias), name=lname)
            y = act(layer(tensor(ins[0])), o, lname)
            weights.append((layer, [w[0].reshape(w.shape[1], w.shape[2], cin, mult), *bias]))
        elif name == "ADD":
            y = act(keras.layers.Add(name=lname)([tensor(ins[0]), tensor(ins[1])]), o, lname)
        elif name == "MEAN":
            if sorted(const(ins[1]).ravel().tolist()) != [1, 2] or o.keepDims:
                raise ModelError(f"{path}: only a global average MEAN is supported")
            y = keras.layers.GlobalAveragePooling2D(name=lname)(tensor(ins[0]))
        elif name == "FULLY_CONNECTED":
            w = const(ins[1])  # [units, in]
            layer = keras.layers.Dense(w.shape[0], use_bias=bool(bias), name=lname)
            y = act(layer(tensor(ins[0])), o, lname)
            weights.append((layer, [w.T, *bias]))
        else:  # LOGISTIC
            y = keras.layers.Activation("sigmoid", name=lname)(tensor(ins[0]))
        env[out] = y
    built = keras.Model(x0, [tensor(i) for i in graph.outputs], name=Path(path).stem)
    for layer, ws in weights:
        layer.set_weights([np.asarray(a, np.float32) for a in ws])
    return built
