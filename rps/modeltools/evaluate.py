"""`rps eval`: accuracy and speed of the Keras model against each IR precision.

The seed experiment, reproducible: on a labelled set, accuracy and confusion per model,
top-1 agreement with Keras, and inference-only time over the whole set repeated N times,
one image at a time as the game runs it (mean, standard deviation, box plot), with the
IR's speed-up over Keras ``predict``, a plain call, and a ``tf.function`` call.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openvino as ov

from rps.errors import RpsError
from rps.inference.core import read_ir
from rps.inference.modelfiles import load_model_files
from rps.modeltools.dataset import scan, split_by_group
from rps.modeltools.report import (
    classification_report,
    markdown_table,
    plot_confusion,
    save_figure,
)
from rps.modeltools.samples import CANVAS, load_hands, make_set, to_input
from rps.types import CLASSES
from rps.userdata.files import write_text

# Real photos that ship inside scikit-image (public domain / CC0, see its data README),
# never used in training: the "room the model has never seen" for the generalization test.
UNSEEN_PHOTOS = ("astronaut.png", "chelsea.png", "coffee.png", "motorcycle_left.png",
                 "rocket.jpg", "hubble_deep_field.jpg")


def unseen_photos() -> list[np.ndarray]:
    import cv2

    try:
        import skimage
    except ImportError:
        raise RpsError("the unseen-background set needs scikit-image: pip install "
                       "'rps[train]'") from None
    folder = Path(skimage.__file__).parent / "data"
    photos = [cv2.imread(str(folder / name)) for name in UNSEEN_PHOTOS]
    return [p for p in photos if p is not None]


def heldout_set(data: Path, backgrounds: str = "plain", seed: int = 0, limit: int = 0
                ) -> tuple[np.ndarray, np.ndarray]:
    """The test render groups with generated ``none`` views, a third as many.
    ``plain``: the renders as they are; ``unseen``: hands composited onto real photos
    never used in training (and ``none`` views made from the same photos)."""
    import cv2

    samples = split_by_group(scan(data))["test"]
    if limit:
        samples = [s for c in CLASSES for s in samples if s.label == c][: limit * 3]
    if not samples:
        raise RpsError(f"{data}: no held-out test groups (need three groups per class)")
    rng = np.random.default_rng(seed + 5000)
    hands = load_hands(samples)
    n_none = max(1, len(hands) // 3)
    if backgrounds == "unseen":
        return make_set(hands, n_none, rng, unseen_photos(), plain_p=0.0, photo_p=1.0)
    x = np.stack([to_input(cv2.resize(img, CANVAS[::-1])) for img, _, _ in hands])
    nx, ny = make_set([], n_none, rng, [])
    return np.concatenate([x, nx]), np.concatenate([[c for _, _, c in hands], ny]).astype(int)


@dataclass
class Runner:
    name: str
    predict_one: Callable[[np.ndarray], np.ndarray]  # one image [224,224,3] -> scores


def ir_runner(xml: Path, precision: str, device: str = "CPU") -> Runner:
    core = ov.Core()
    config = {"PERFORMANCE_HINT": "LATENCY"}
    if precision == "FP32":
        config["INFERENCE_PRECISION_HINT"] = "f32"  # parity with Keras, not bf16
    compiled = core.compile_model(read_ir(core, xml), device, config)
    request = compiled.create_infer_request()
    out = compiled.output(0)
    return Runner(f"IR {precision}", lambda x: request.infer({0: x[None]})[out][0])


def keras_runners(path: Path) -> list[Runner]:
    from rps.modeltools.quiet import import_keras

    try:
        keras = import_keras()
        import tensorflow as tf
    except ImportError:
        raise RpsError("comparing against Keras needs TensorFlow: pip install 'rps[train]'") \
            from None
    model = keras.models.load_model(path, compile=False)
    fn = tf.function(lambda x: model(x, training=False))
    return [
        Runner("Keras predict", lambda x: model.predict(x[None], verbose=0)[0]),
        Runner("Keras call", lambda x: model(x[None], training=False).numpy()[0]),
        Runner("Keras tf.function", lambda x: fn(x[None]).numpy()[0]),
    ]


def time_runs(runner: Runner, x: np.ndarray, runs: int) -> tuple[np.ndarray, list[float]]:
    """Scores of every image (first run) and the wall time of each whole-set run."""
    scores = np.stack([runner.predict_one(xi) for xi in x])  # also the warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for xi in x:
            runner.predict_one(xi)
        times.append(time.perf_counter() - t0)
    return scores, times


def evaluate(data: Path, model_dir: Path | None, keras_path: Path | None, out: Path,
             runs: int = 10, backgrounds: str = "plain", limit: int = 0,
             device: str = "CPU") -> dict:
    files = load_model_files(model_dir)
    x, y = heldout_set(data, backgrounds, limit=limit)
    print(f"{len(y)} images ({backgrounds} backgrounds), {runs} timed runs each")
    runners = [ir_runner(files.xml(p), p, device) for p in files.variants]
    if keras_path is not None:
        runners += keras_runners(keras_path)
    results: dict[str, dict] = {}
    scores: dict[str, np.ndarray] = {}
    for r in runners:
        s, times = time_runs(r, x, runs)
        scores[r.name] = s
        rep = classification_report(y, s.argmax(1), CLASSES)
        results[r.name] = {"report": rep, "times_s": times, "mean_s": float(np.mean(times)),
                           "std_s": float(np.std(times))}
        slug = r.name.lower().replace(" ", "_").replace(".", "")
        plot_confusion(rep, out / f"confusion_{slug}.png", r.name)
        print(f"{r.name:<18} accuracy {rep['accuracy']:.4f}  set time "
              f"{np.mean(times) * 1000:8.1f} ± {np.std(times) * 1000:.1f} ms")
    summary = _compare(results, scores)
    _box_plot(results, out / "timing.png", len(y))
    write_text(out / "eval.json", json.dumps({"images": len(y), "runs": runs,
                                              "backgrounds": backgrounds, **summary,
                                              "results": results}, indent=2))
    _markdown(out / "report.md", results, summary, len(y), runs, backgrounds)
    print(f"wrote {out / 'report.md'}")
    return {"results": results, **summary}


def _compare(results: dict, scores: dict) -> dict:
    base = "Keras predict" if "Keras predict" in scores else next(iter(scores))
    agree = {n: float((s.argmax(1) == scores[base].argmax(1)).mean())
             for n, s in scores.items() if n != base}
    speedup = {}
    for ir in (n for n in results if n.startswith("IR")):
        speedup[ir] = {k: results[k]["mean_s"] / results[ir]["mean_s"]
                       for k in results if k.startswith("Keras")}
    return {"agreement_with": base, "agreement": agree, "speedup": speedup}


def _box_plot(results: dict, path: Path, n: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.8))
    names = list(results)
    ax.boxplot([np.array(results[k]["times_s"]) * 1000 / n for k in names])
    ax.set_xticks(range(1, len(names) + 1), names, rotation=15, fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("ms per image (log)")
    ax.set_title(f"Inference time per image, batch 1, over {n} images")
    fig.tight_layout()
    save_figure(fig, path)


def _markdown(path: Path, results: dict, summary: dict, n: int, runs: int, bg: str) -> None:
    lines = [f"# rps eval: {n} images, {bg} backgrounds, {runs} runs", "",
             "| model | accuracy | set time mean (ms) | std (ms) | ms / image |",
             "|---|---|---|---|---|"]
    for k, r in results.items():
        lines.append(f"| {k} | {r['report']['accuracy']:.4f} | {r['mean_s'] * 1000:.1f} | "
                     f"{r['std_s'] * 1000:.1f} | {r['mean_s'] * 1000 / n:.3f} |")
    lines += ["", f"Top-1 agreement with {summary['agreement_with']}:", ""]
    lines += [f"- {k}: {v:.4f}" for k, v in summary["agreement"].items()]
    if any(summary["speedup"].values()):
        lines += ["", "Speed-up of IR over Keras (same images, batch 1):", ""]
        for ir, sp in summary["speedup"].items():
            lines.append(f"- {ir}: " + ", ".join(f"{v:.1f}x over {k}" for k, v in sp.items()))
    for k, r in results.items():
        lines += ["", f"## {k}", "", markdown_table(r["report"]), "",
                  f"![confusion](confusion_{k.lower().replace(' ', '_').replace('.', '')}.png)"]
    lines += ["", "![timing](timing.png)", ""]
    write_text(path, "\n".join(lines))
