"""`rps eval --data DIR`: every image of a labelled folder read the way the game reads a
frame (same recognizer, engine and preprocessing; each image a one-frame stream, so no
tracking carries over), with per-class accuracy and the confusion matrix."""

from __future__ import annotations

import json
import time
from pathlib import Path

import cv2
import numpy as np

from rps.errors import RpsError
from rps.files import write_text
from rps.inference.core import make_core
from rps.inference.engine import Engine
from rps.modeltools.dataset import scan
from rps.recognizers import load_recognizer
from rps.types import CLASSES, Frame


def eval_folder(data: Path, recognizer: str = "hand", model: Path | None = None,
                device: str = "CPU", precision: str | None = None, json_out: Path | None = None,
                cache_dir: Path | None = None, quiet: bool = False, limit: int = 0) -> dict:
    """``limit``: the first that many images of each class (0: all)."""
    samples = scan(data)
    if limit:
        first = {c: [x for x in samples if x.label == c][:limit] for c in CLASSES}
        samples = [x for c in CLASSES for x in first[c]]
    reader = load_recognizer(recognizer, model, track=False)
    precision = precision or reader.default_precision
    core = make_core(cache_dir)
    engines: dict[tuple[int, int], Engine] = {}  # one per image size: nothing is stretched
    truth, got, ms = [], [], []
    try:
        for i, s in enumerate(samples, 1):
            img = cv2.imread(str(s.path))
            if img is None:
                raise RpsError(f"cannot read image {s.path}: corrupt or not an image")
            hw = img.shape[:2]
            if hw not in engines:
                engines[hw] = Engine(reader, device, precision, frame_hw=hw, core=core)
            engine = engines[hw]
            engine.submit(Frame(i, time.perf_counter(), img))
            p = engine.get(30.0)
            if p is None:
                raise RpsError(engine.error or f"no result for {s.path} in 30 s")
            truth.append(CLASSES.index(s.label))
            got.append(CLASSES.index(p.label) if p.label in CLASSES else -1)
            ms.append(p.infer_ms)
    finally:
        for e in engines.values():
            e.close()
    result = summarize(np.array(truth), np.array(got))
    result.update(recognizer=recognizer, model=reader.name, device=device,
                  precision=precision, data=str(data), infer_ms_median=float(np.median(ms)))
    if not quiet:
        print_summary(result)
    if json_out is not None:
        write_text(json_out, json.dumps(result, indent=2) + "\n")  # whole or not at all
    return result


def summarize(truth: np.ndarray, got: np.ndarray) -> dict:
    """Accuracy, accuracy per class present, and the confusion (rows: true class)."""
    present = [c for i, c in enumerate(CLASSES) if (truth == i).any()]
    confusion = {c: {p: int(((truth == i) & (got == j)).sum()) for j, p in enumerate(CLASSES)}
                 for i, c in enumerate(CLASSES) if c in present}
    return {
        "accuracy": float((truth == got).mean()),
        "per_class": {c: float((got[truth == CLASSES.index(c)] == CLASSES.index(c)).mean())
                      for c in present},
        "n": int(truth.size),
        "confusion": confusion,
    }


def print_summary(r: dict) -> None:
    print(f"{r['data']}: {r['accuracy']:.2%} of {r['n']} images "
          f"({r['recognizer']} {r['model']}, {r['device']} {r['precision']}, "
          f"median {r['infer_ms_median']:.1f} ms)")
    print(f"{'true/read':<12}" + "".join(f"{c:>10}" for c in CLASSES) + f"{'accuracy':>10}")
    for c, row in r["confusion"].items():
        print(f"{c:<12}" + "".join(f"{row[p]:>10}" for p in CLASSES)
              + f"{r['per_class'][c]:>10.1%}")
