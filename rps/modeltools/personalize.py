"""`rps personalize`: refit the model's head on the player's own frames, without TensorFlow.

The shipped IR is cut below its last dense layer to give the backbone's pooled features
(OpenVINO does the feature extraction, of each frame and of a few shifted / tilted /
mirrored / relit copies, because 30 frames of a hand held still say little about where the
next throw lands); a softmax regression is fitted on them with numpy, starting from the
shipped head and pulled towards it (an L2 prior) while rehearsing stored features of the
original data, so classes the player did not record keep working. The new weights
replace the head's constants in each precision's IR (the INT8 model keeps its head in
float for exactly this), and the result is written as a model folder the engine can
hot-swap to.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import cv2
import numpy as np
import openvino as ov
from openvino import opset13 as ops

from rps.errors import ModelError, RpsError
from rps.inference.core import read_ir, save_ir
from rps.inference.modelfiles import ModelFiles, load_model_files, stamp_model
from rps.inference.preprocess import embed_preprocessing
from rps.modeltools import fitcheck
from rps.modeltools.dataset import scan
from rps.userdata.files import staged, swap_in, write_bytes, write_text
from rps.userdata.marks import PERSONAL_MARKER, check_personal_out


@dataclass
class Head:
    """logits = features @ w + b; w is [features, classes]."""

    w: np.ndarray
    b: np.ndarray

    def scores(self, f: np.ndarray) -> np.ndarray:
        z = f @ self.w + self.b
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)


def find_head(model: ov.Model) -> tuple[ov.Node, ov.Node | None]:
    """The last MatMul (the dense layer) and the Add of its bias (None when the converter
    folded away an all-zero bias)."""
    matmuls = [op for op in model.get_ordered_ops() if op.get_type_name() == "MatMul"]
    if not matmuls:
        raise ModelError("no dense layer found at the top of the model")
    mm = matmuls[-1]
    adds = [t.get_node() for t in mm.output(0).get_target_inputs()
            if t.get_node().get_type_name() == "Add"]
    return mm, (adds[0] if adds else None)


def _bias_input(mm: ov.Node, add: ov.Node) -> ov.Input:
    return next(i for i in add.inputs() if i.get_source_output() != mm.output(0))


def _const(node: ov.Node) -> np.ndarray:
    """A constant's value, through the f16 -> f32 Convert that compressed IR adds."""
    if node.get_type_name() == "Convert":
        node = node.input(0).get_source_output().get_node()
    if node.get_type_name() != "Constant":
        raise ModelError("the head's weights are quantized; reconvert the model with "
                         "`rps convert` (it keeps the head in float)")
    return node.get_data().astype(np.float32)


def read_head(model: ov.Model) -> Head:
    mm, add = find_head(model)
    w = _const(mm.input(1).get_source_output().get_node())
    if mm.get_attributes().get("transpose_b"):
        w = w.T
    if add is None:
        return Head(w, np.zeros(w.shape[1], np.float32))
    return Head(w, _const(_bias_input(mm, add).get_source_output().get_node()).reshape(-1))


def with_head(model: ov.Model, head: Head) -> ov.Model:
    """A copy of ``model`` whose last dense layer holds ``head``."""
    model = model.clone()
    mm, add = find_head(model)
    w = head.w.T if mm.get_attributes().get("transpose_b") else head.w
    mm.input(1).replace_source_output(ops.constant(np.ascontiguousarray(w, np.float32)).output(0))
    if add is None:  # put the bias back in, between the MatMul and its consumers
        consumers = list(mm.output(0).get_target_inputs())
        add = ops.add(mm.output(0), ops.constant(np.zeros((1, len(head.b)), np.float32)))
        for target in consumers:
            target.replace_source_output(add.output(0))
    bias_in = _bias_input(mm, add)
    shape = list(bias_in.get_source_output().get_partial_shape().to_shape())
    bias = ops.constant(head.b.reshape(shape).astype(np.float32))
    bias_in.replace_source_output(bias.output(0))
    model.validate_nodes_and_infer_types()
    return model


def features_model(model: ov.Model) -> ov.Model:
    """The backbone alone: the dense layer's input as the output."""
    mm, _ = find_head(model)
    return ov.Model([mm.input(0).get_source_output()], model.get_parameters(), "features")


def extract_features(files: ModelFiles, images: list[np.ndarray], core: ov.Core,
                     device: str = "CPU") -> np.ndarray:
    """Pooled backbone features of BGR images (all resized to the first one's size)."""
    h, w = images[0].shape[:2]
    model = embed_preprocessing(features_model(read_ir(core, files.xml("FP32"))), files, (h, w))
    compiled = core.compile_model(model, device, {"PERFORMANCE_HINT": "THROUGHPUT",
                                                  "INFERENCE_PRECISION_HINT": "f32"})
    feats: list[np.ndarray | None] = [None] * len(images)
    queue = ov.AsyncInferQueue(compiled)

    def done(request: ov.InferRequest, i: int) -> None:
        feats[i] = request.get_output_tensor(0).data.reshape(-1).copy()

    queue.set_callback(done)
    for i, img in enumerate(images):
        if img.shape[:2] != (h, w):
            img = cv2.resize(img, (w, h))
        queue.start_async({0: img[None]}, i)
    queue.wait_all()
    return np.stack(feats)  # type: ignore[arg-type]


def augment(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A copy of a frame as the next throw might look: hand a little elsewhere, tilted,
    nearer or further, other hand, other exposure (one warp and one saturating blend)."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-10, 10), rng.uniform(0.9, 1.1))
    m[:, 2] += (rng.uniform(-0.08, 0.08) * w, rng.uniform(-0.08, 0.08) * h)
    if rng.random() < 0.5:  # mirror: x -> w - 1 - x after the warp
        m[0] = -m[0]
        m[0, 2] += w - 1
    out = cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REFLECT)
    return cv2.addWeighted(out, rng.uniform(0.8, 1.2), out, 0.0, rng.uniform(-15, 15))


def fit_head(f: np.ndarray, y: np.ndarray, prior: Head, l2: float = 1e-3, steps: int = 1000,
             lr: float = 0.05, weights: np.ndarray | None = None) -> Head:
    """Softmax regression by full-batch Adam, pulled towards ``prior`` by an L2 penalty;
    ``weights`` weighs each sample (they are normalised to sum to one)."""
    w, b = prior.w.copy(), prior.b.copy()
    onehot = np.eye(w.shape[1], dtype=np.float32)[y]
    sw = np.ones(len(f), np.float32) if weights is None else weights.astype(np.float32)
    sw = (sw / sw.sum())[:, None]
    m = [np.zeros_like(w), np.zeros_like(b)]
    v = [np.zeros_like(w), np.zeros_like(b)]
    for t in range(1, steps + 1):
        p = Head(w, b).scores(f)
        g = (p - onehot) * sw
        grads = [f.T @ g + 2 * l2 * (w - prior.w), g.sum(0) + 2 * l2 * (b - prior.b)]
        for i, (param, grad) in enumerate(zip((w, b), grads, strict=True)):
            m[i] = 0.9 * m[i] + 0.1 * grad
            v[i] = 0.999 * v[i] + 0.001 * grad**2
            param -= lr * (m[i] / (1 - 0.9**t)) / (np.sqrt(v[i] / (1 - 0.999**t)) + 1e-8)
    return Head(w, b)


ANCHOR_SHARE = 1.0  # weight of the original data against the player's, in the fit
COPIES = 16  # augmented copies of each recorded frame


def save_anchors(files_root: Path, model: ov.Model, x: np.ndarray, y: np.ndarray) -> Path:
    """Backbone features of preprocessed samples of the training distribution, stored
    beside the model (float16) for personalization to rehearse."""
    compiled = ov.Core().compile_model(features_model(model), "CPU",
                                       {"INFERENCE_PRECISION_HINT": "f32"})
    feats = np.stack([compiled(xi[None])[0].reshape(-1) for xi in x])
    path = files_root / "anchors.npz"
    np.savez_compressed(path, features=feats.astype(np.float16), labels=y.astype(np.int8))
    return path


def checked_fit(f: np.ndarray, labels: np.ndarray, y: np.ndarray, copies: int,
                interleaved: bool, anchors: tuple[np.ndarray, np.ndarray] | None, prior: Head,
                l2: float, model: str | Path | None) -> tuple[Head, fitcheck.FitCheck]:
    """The head fitted on every recorded frame (rows of ``f``: the frames, then ``copies``
    varied copies of each, laid out as ``fitcheck.rows`` says), once a k-fold check shows it
    reads held-out frames at least as well as ``prior``; ``RefitRefused`` otherwise."""
    def fit(idx: np.ndarray) -> Head:
        rows = fitcheck.rows(idx, len(y), copies, interleaved)
        fit_f, fit_y, weights = rehearsed(f[rows], labels[rows], anchors)
        return fit_head(fit_f, fit_y, prior, l2=l2, weights=weights)

    check = fitcheck.check(y, lambda train, test: fit(train).scores(f[test]).argmax(1),
                           prior.scores(f[:len(y)]).argmax(1), fitcheck.name_of(model))
    if not check.ok:
        raise fitcheck.RefitRefused(check)
    return fit(np.arange(len(y))), check


def load_anchors(files: ModelFiles) -> tuple[np.ndarray, np.ndarray] | None:
    path = files.root / "anchors.npz"
    if not path.is_file():
        return None
    with np.load(path) as data:
        return data["features"].astype(np.float32), data["labels"].astype(int)


def rehearsed(f: np.ndarray, y: np.ndarray, anchors: tuple[np.ndarray, np.ndarray] | None,
              share: float = ANCHOR_SHARE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The player's features with the stored ones of the original data appended (when
    there are any) and sample weights giving the two ``1 : share``, so the classes the
    player did not record stay put."""
    if anchors is None:
        return f, y, np.ones(len(f), np.float32)
    fa, ya = anchors
    return (np.concatenate([f, fa]), np.concatenate([y, ya]),
            np.concatenate([np.full(len(f), 1.0 / len(f)), np.full(len(fa), share / len(fa))]))


def load_images(data: Path, labels: tuple[str, ...]) -> tuple[list[np.ndarray], np.ndarray]:
    """Images of a class-folder dataset, checked: readable, at least two classes."""
    samples = scan(data)
    classes = sorted({s.label for s in samples})
    if len(classes) < 2:
        raise RpsError(f"{data}: only {classes[0]!r} recorded; record at least two classes")
    missing = [c for c in classes if c not in labels]
    if missing:
        raise RpsError(f"{data}: classes {missing} are not among the model's labels {labels}")
    images = []
    for s in samples:
        img = cv2.imread(str(s.path), cv2.IMREAD_COLOR)
        if img is None:
            raise RpsError(f"cannot read image {s.path}: not a readable image file")
        images.append(img)
    return images, np.array([labels.index(s.label) for s in samples])


def save_personal(out: Path, files: ModelFiles, base: ov.Model, head: Head, y: np.ndarray,
                  fitted: float, core: ov.Core, extra: tuple[Path, ...] = (),
                  **meta: object) -> dict[str, int]:
    """Write ``files``' model with ``head`` in, in each precision it has (``base``: its FP32
    IR, also the FP16 source), its labels, metadata saying what it was taught (plus
    ``meta``) and ``extra`` files beside ``out``, then swap the folder in whole. Returns
    the frames taught per class."""
    counts = {c: int((y == i).sum()) for i, c in enumerate(files.labels) if (y == i).any()}
    meta = {**files.metadata, "name": out.name, "personalized_from": str(files.root), **meta,
            "personal_frames": counts, "date": date.today().isoformat(), "fit_accuracy": fitted}
    check_personal_out(out)
    with staged(out) as staging:
        for p in files.variants:
            src = base if p == "FP16" else read_ir(core, files.xml(p))
            save_ir(with_head(src, head), staging / p / "model.xml", compress_to_fp16=(p == "FP16"))
        write_text(staging / "labels.txt", "\n".join(files.labels) + "\n")
        write_text(staging / "metadata.json", json.dumps(meta, indent=2))
        write_text(staging / PERSONAL_MARKER, "A personal model written by rps: `rps personalize` "
                   "and teach mode replace this folder whole.\n")
        for path in extra:
            write_bytes(staging / path.name, path.read_bytes())
        stamp_model(staging)
        swap_in(staging, out)
    return counts


def personalize(data: Path, model: Path | None, out: Path, *, l2: float = 1e-3,
                copies: int = COPIES, core: ov.Core | None = None) -> dict:
    """Fit a personal head on ``data`` and write ``out`` with each precision of ``model``,
    only when the head, fitted k times with a block of the frames held out, reads the
    held-out frames at least as well as ``model`` does (else ``fitcheck.RefitRefused``)."""
    t0 = time.perf_counter()
    check_personal_out(out, data)
    files = load_model_files(model)
    core = core or ov.Core()
    images, y = load_images(data, files.labels)
    base = read_ir(core, files.xml("FP32"))
    prior = read_head(base)
    # Shrunk to the network's input as the engine does (squashed, linear), so that the
    # copies cost a tenth of a full frame's warp.
    size = (files.input_size,) * 2
    images = [cv2.resize(img, size, interpolation=cv2.INTER_LINEAR) for img in images]
    rng = np.random.default_rng(0)
    extra = [augment(img, rng) for img in images for _ in range(copies)]
    f = extract_features(files, images + extra, core)
    t_features = time.perf_counter() - t0
    anchors, labels = load_anchors(files), np.concatenate([y, np.repeat(y, copies)])

    head, check = checked_fit(f, labels, y, copies, True, anchors, prior, l2, model)
    fitted = float((head.scores(f[:len(y)]).argmax(1) == y).mean())
    counts = save_personal(out, files, base, head, y, fitted, core, kfold=check.figures)
    seconds = time.perf_counter() - t0
    print(f"personal model {out}: {len(y)} frames {counts}, features {t_features:.1f} s, "
          f"total {seconds:.1f} s, fits its frames at {fitted:.1%}, {check.figures}")
    return {"seconds": seconds, "feature_seconds": t_features, "frames": counts,
            "fit_accuracy": fitted, "head": head, "check": check}
