"""`rps convert`: Keras / SavedModel / Teachable Machine exports -> OpenVINO IR in
FP32, FP16 (compressed weights) and INT8 (NNCF post-training quantization).

SavedModels convert without TensorFlow (OpenVINO reads them itself); ``.keras`` and
``.h5`` files need the ``train`` extra to be loaded first.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import openvino as ov

from rps.errors import ModelError, RpsError
from rps.inference.core import save_ir
from rps.inference.modelfiles import DEFAULT_MEAN, DEFAULT_SCALE, read_labels, stamp_model
from rps.modeltools.dataset import canonical_class, scan, split_by_group
from rps.modeltools.samples import SIZE, load_hands, make_set, to_input
from rps.userdata.files import merge_into, staged, write_text

CREDIT = "Rock Paper Scissors dataset by Laurence Moroney, CC BY 2.0"


@dataclass
class Source:
    """A model found on disk, ready to convert."""

    kind: str  # "savedmodel", "keras", "teachable-keras", "teachable-savedmodel"
    path: Path
    labels_path: Path | None


def find_source(path: Path, labels: Path | None = None) -> Source:
    """Work out what ``path`` is: a SavedModel folder, a Keras file, or a Teachable Machine
    export folder (``keras_model.h5`` or ``model.savedmodel/`` with ``labels.txt``)."""
    if not path.exists():
        raise ModelError(f"no such model: {path}")
    if path.is_dir():
        candidates = [
            ("teachable-keras", path / "keras_model.h5"),
            ("teachable-savedmodel", path / "model.savedmodel"),
            ("savedmodel", path / "saved_model"),
            ("keras", path / "model.keras"),
        ]
        if (path / "saved_model.pb").is_file():
            candidates.insert(0, ("savedmodel", path))
        kind, found = next(((k, p) for k, p in candidates if p.exists()), (None, None))
        if found is None:
            raise ModelError(f"{path}: no saved_model.pb, model.keras, keras_model.h5 or "
                             "model.savedmodel/ inside; unsupported format")
        if kind in ("savedmodel", "teachable-savedmodel") and not (
                found / "saved_model.pb").is_file():
            raise ModelError(f"{found}: not a SavedModel (no saved_model.pb)")
        base = path
    elif path.suffix in (".keras", ".h5"):
        kind, found, base = "keras", path, path.parent
    else:
        raise ModelError(f"{path}: unsupported format; give a .keras / .h5 file, a SavedModel "
                         "folder or a Teachable Machine export")
    if labels is not None and not labels.is_file():
        raise ModelError(f"no labels file {labels}")
    labels = labels or next((p for p in (base / "labels.txt", found.parent / "labels.txt")
                             if p.is_file()), None)
    return Source(kind, found, labels)


def _keras_to_savedmodel(path: Path, out: Path) -> Path:
    """Load a Keras file (Teachable Machine's old h5 too) and export a SavedModel."""
    from rps.modeltools.quiet import import_keras

    try:
        keras = import_keras()
    except ImportError:
        raise RpsError("converting .keras / .h5 needs TensorFlow: pip install 'rps[train]'") \
            from None

    class DepthwiseConv2D(keras.layers.DepthwiseConv2D):
        """Teachable Machine's h5 files carry a ``groups`` argument Keras 3 refuses."""

        def __init__(self, *args, groups: int = 1, **kwargs):
            super().__init__(*args, **kwargs)

    try:
        model = keras.models.load_model(path, compile=False,
                                        custom_objects={"DepthwiseConv2D": DepthwiseConv2D})
    except Exception as exc:
        raise ModelError(f"cannot load {path} with Keras: {str(exc).splitlines()[0][:200]}") \
            from None
    model.export(str(out), verbose=False)
    return out


def read_source(src: Source) -> ov.Model:
    with tempfile.TemporaryDirectory() as tmp:
        path = src.path
        if src.kind in ("keras", "teachable-keras"):
            path = _keras_to_savedmodel(src.path, Path(tmp) / "saved_model")
        try:
            model = ov.convert_model(path)
        except Exception as exc:
            raise ModelError(f"OpenVINO cannot convert {src.path}: "
                             f"{str(exc).strip().splitlines()[-1][:200]}") from None
    return model


def check_classifier(model: ov.Model, labels: tuple[str, ...], where: Path) -> None:
    """One image input, one class-vector output matching the labels."""
    if len(model.inputs) != 1:
        raise ModelError(f"{where}: expected one image input, found {len(model.inputs)}")
    shape = model.output(0).get_partial_shape()
    if shape.rank.is_dynamic or shape.rank.get_length() != 2 or shape[1].is_dynamic:
        raise ModelError(f"{where}: output {shape} is not a class vector [batch, classes]")
    n = shape[1].get_length()
    if n != len(labels):
        raise ModelError(f"{where}: the model outputs {n} classes but the labels name "
                         f"{len(labels)}: {', '.join(labels)}")


def _looks_plain(img: np.ndarray) -> bool:
    """A studio render on white (like the CGI set) rather than a real camera frame."""
    border = np.concatenate([img[:8].reshape(-1, 3), img[-8:].reshape(-1, 3),
                             img[:, :8].reshape(-1, 3), img[:, -8:].reshape(-1, 3)])
    return float(border.mean()) > 200 and float(border.std()) < 30


def calibration_set(data: Path, n: int = 300, seed: int = 0, split: str = "train",
                    plain_p: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Network inputs and labels from a class-folder dataset. Renders on white are
    composited onto generated backgrounds (as in training; ``plain_p`` of them stay on
    white); real frames are used as is."""
    import cv2

    samples = scan(data)
    parts = split_by_group(samples)
    pool = parts[split] or samples
    rng = np.random.default_rng(seed)
    pick = [pool[i] for i in rng.permutation(len(pool))[:n]]
    first = cv2.imread(str(pick[0].path))
    if first is not None and _looks_plain(first):
        hands = load_hands([s for s in pick if s.label != "none"][: int(n * 0.75)])
        return make_set(hands, n - len(hands), rng, [], plain_p=plain_p)
    xs, ys = [], []
    for s in pick:
        img = cv2.imread(str(s.path))
        if img is None:
            raise RpsError(f"cannot read image {s.path}")
        xs.append(to_input(img))
        ys.append(["none", "rock", "paper", "scissors"].index(s.label))
    return np.stack(xs), np.array(ys)


def quantize(model: ov.Model, calib: np.ndarray,
             val: tuple[np.ndarray, np.ndarray] | None = None, max_drop: float = 0.01
             ) -> ov.Model:
    """INT8 with NNCF; with labelled ``val``, accuracy control keeps the top-1 drop under
    ``max_drop`` by leaving the most sensitive layers in floating point."""
    from rps.modeltools.personalize import find_head
    from rps.modeltools.quiet import native_stderr_silenced

    with native_stderr_silenced():  # it loads TensorFlow / torch when they are installed
        import nncf

    dataset = nncf.Dataset(list(calib), lambda x: x[None])
    # The head stays in float: tiny, and `rps personalize` rewrites its weights.
    keep = nncf.IgnoredScope(names=[find_head(model)[0].get_friendly_name()])
    if val is None:
        return nncf.quantize(model, dataset, subset_size=len(calib), ignored_scope=keep)

    def accuracy(compiled: ov.CompiledModel, items) -> float:
        """Items are (image, label) pairs; NNCF may pass any subset of them."""
        out = compiled.output(0)
        hits = [int(np.argmax(compiled(x[None])[out])) == y for x, y in items]
        return float(np.mean(hits)) if hits else 0.0

    validation = nncf.Dataset(list(zip(*val, strict=True)), lambda item: item[0][None])
    return nncf.quantize_with_accuracy_control(
        model, dataset, validation, validation_fn=accuracy, max_drop=max_drop,
        subset_size=len(calib), ignored_scope=keep)


def convert(src_path: Path, out: Path, *, labels: Path | None = None,
            precisions: tuple[str, ...] = ("FP32", "FP16", "INT8"), calib: Path | None = None,
            accuracy_control: bool = False, credit: str | None = None, calib_size: int = 300
            ) -> dict:
    """Write ``out``/{FP32,FP16,INT8}/model.xml, labels.txt and metadata.json (stamped),
    built beside ``out`` and moved in; files of ``out`` it does not write stay."""
    src = find_source(src_path, labels)
    if src.labels_path is None:
        raise ModelError(f"no labels.txt beside {src.path}: pass --labels FILE")
    names = read_labels(src.labels_path)
    canon = tuple(canonical_class(n) or n for n in names)
    model = read_source(src)
    check_classifier(model, names, src.path)
    shape = model.input(0).get_partial_shape()
    model.reshape({model.input(0): ov.PartialShape([1, SIZE, SIZE, 3])} if shape[-1] == 3
                  else {model.input(0): ov.PartialShape([1, 3, SIZE, SIZE])})
    ops_before = len(model.get_ops())
    if "INT8" in precisions and calib is None:
        raise RpsError("INT8 needs calibration images: pass --calib DATA_DIR")
    report = src.path.parent / "report.json" if src.path.is_file() else src_path / "report.json"
    accuracy = None
    if report.is_file():
        try:
            accuracy = json.loads(report.read_text(encoding="utf-8")).get("test", {}).get(
                "accuracy")
        except (ValueError, AttributeError) as exc:  # not JSON, or not objects inside
            raise ModelError(f"{report} is not an `rps train` report ({exc})") from None
    with staged(out) as tmp:  # built beside --out, then moved in: never half a model
        x = None
        if calib is not None:
            x, _ = calibration_set(calib, calib_size)
            from rps.modeltools.personalize import save_anchors

            # For `rps personalize` to rehearse; more of the original renders than in
            # calibration, so that a player's room does not pull the head off them.
            save_anchors(tmp, model, *calibration_set(calib, 450, seed=2, plain_p=0.4))
        written = {}
        for p in precisions:
            target = model
            if p == "INT8":
                val = calibration_set(calib, 200, seed=1, split="val") if accuracy_control \
                    else None
                target = quantize(model, x, val)
            save_ir(target, tmp / p / "model.xml", compress_to_fp16=(p == "FP16"))
            written[p] = len(target.get_ops())
            print(f"{p}: {out / p / 'model.xml'}  ({written[p]} ops)")
        print(f"graph: {ops_before} ops after conversion; " +
              ", ".join(f"{p} {n}" for p, n in written.items()))
        write_text(tmp / "labels.txt", "\n".join(canon) + "\n")
        meta = {
            "name": out.name, "source": str(src.path), "source_kind": src.kind,
            "labels": list(canon),
            "input": {"size": [SIZE, SIZE], "color": "RGB", "layout": "NHWC",
                      "mean": list(DEFAULT_MEAN), "scale": list(DEFAULT_SCALE)},
            "accuracy": accuracy, "date": date.today().isoformat(),
            "credit": credit or (CREDIT if src.kind in ("keras", "savedmodel") else None),
            "ops": {"converted": ops_before, **written},
        }
        write_text(tmp / "metadata.json", json.dumps(meta, indent=2))
        merge_into(tmp, out)
    return stamp_model(out)

