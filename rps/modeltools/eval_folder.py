"""`rps eval --data DIR [--stream]`: every image of a labelled folder read the way the game
reads a frame (same recognizer, engine and preprocessing), with per-class accuracy and the
confusion matrix. Stills: each image a one-frame stream, so no tracking carries over.
Stream: each class folder one video, tracking on."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import cv2
import numpy as np

from rps.errors import RpsError
from rps.inference.backend import Backend, open_backend
from rps.inference.engine import Engine
from rps.modeltools.dataset import scan
from rps.recognizers import load_recognizer
from rps.recognizers.hand.deblock import BLOCK
from rps.types import CLASSES, Frame, RecognizerModel
from rps.userdata.files import write_text


def eval_folder(data: Path, recognizer: str | None = None, model: Path | None = None,
                device: str = "CPU", precision: str | None = None, json_out: Path | None = None,
                cache_dir: Path | None = None, quiet: bool = False, stream: bool = False,
                limit: int = 0, backend: Backend | None = None) -> dict:
    """Stills: each image alone. Stream: each class folder is one video in natural file
    order, tracking on, the way the game sees a moving hand."""
    samples = scan(data)
    if limit:
        samples = [s for c in CLASSES for s in [x for x in samples if x.label == c][:limit]]
    groups = [natural([s for s in samples if s.label == c]) for c in CLASSES]
    streams = [[(s.label, s.path) for s in g] for g in groups if g]
    reader = load_recognizer(recognizer, model, track=stream, realtime=False)
    precision = precision or reader.default_precision
    truth, got, ms = read_streams(reader, streams, stream, device, precision,
                                  backend or open_backend(cache_dir))
    result = summarize(np.array(truth), np.array(got))
    result.update(recognizer=reader.kind, model=reader.name, device=device,
                  precision=precision, data=str(data), mode="stream" if stream else "stills",
                  infer_ms_median=float(np.median(ms)))
    if not quiet:
        print_summary(result)
    if json_out is not None:
        write_text(json_out, json.dumps(result, indent=2) + "\n")  # whole or not at all
    return result


Labelled = tuple[str, "Path | np.ndarray"]  # a class and an image file or BGR image


def read_streams(reader: RecognizerModel, streams: list[list[Labelled]], stream: bool,
                 device: str, precision: str, backend
                 ) -> tuple[list[int], list[int], list[float]]:
    """Class indices true and read, and inference ms, of every frame. Stills: each frame
    alone, on one engine per image size unless the recognizer reads any size (nothing is
    stretched). Stream: a fresh engine per stream, so tracking carries over only within it;
    frames of other sizes are centred on a canvas of the largest (a camera never changes
    size mid-stream). ``backend``: a Backend, or an ``ov.Core`` to run OpenVINO on."""
    truth, got, ms = [], [], []
    engines: dict[tuple[int, int], Engine] = {}
    try:
        for frames in streams if stream else [[f] for s in streams for f in s]:
            images = [_read(x) if isinstance(x, Path) else x for _, x in frames]
            if stream:
                for e in engines.values():
                    e.close()
                engines.clear()
                images = on_canvas(images)
            for (label, where), img in zip(frames, images, strict=True):
                hw = (0, 0) if reader.any_size else img.shape[:2]
                if hw not in engines:
                    engines[hw] = Engine(reader, device, precision, frame_hw=img.shape[:2],
                                         backend=backend)
                p = _one(engines[hw], len(truth), img, where)
                truth.append(CLASSES.index(label))
                got.append(CLASSES.index(p.label) if p.label in CLASSES else -1)
                ms.append(p.infer_ms)
    finally:
        for e in engines.values():
            e.close()
    return truth, got, ms


def _read(path: Path) -> np.ndarray:
    img = cv2.imread(str(path))
    if img is None:
        raise RpsError(f"cannot read image {path}: corrupt or not an image")
    return img


def _one(engine: Engine, seq: int, img: np.ndarray, where: object):
    engine.submit(Frame(seq, time.perf_counter(), img))
    p = engine.get(30.0)
    if p is None:
        raise RpsError(engine.error or f"no result for {where} in 30 s")
    return p


def natural(samples: list) -> list:
    """File order as a person sorts it: ``two_2`` before ``two_10``."""
    def key(s) -> list:
        return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", s.path.name)]
    return sorted(samples, key=key)


def on_canvas(images: list[np.ndarray]) -> list[np.ndarray]:
    """Frames of one stream at one size: each centred on a black canvas of the largest
    height and width (a camera never changes size mid-stream; stretching would), to the
    nearest ``BLOCK`` pixels: a JPEG frame's blocks stay on the decoded grid, as a camera's
    do, so the stream is judged blocky (``deblock``) where its stills are."""
    h = max(i.shape[0] for i in images)
    w = max(i.shape[1] for i in images)
    out = []
    for img in images:
        if img.shape[:2] == (h, w):
            out.append(img)
            continue
        canvas = np.zeros((h, w, 3), np.uint8)
        y, x = ((h - img.shape[0]) // 2 // BLOCK * BLOCK,
                (w - img.shape[1]) // 2 // BLOCK * BLOCK)
        canvas[y:y + img.shape[0], x:x + img.shape[1]] = img
        out.append(canvas)
    return out


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
    print(f"{r['data']}: {r['accuracy']:.2%} of {r['n']} images, {r['mode']} "
          f"({r['recognizer']} {r['model']}, {r['device']} {r['precision']}, "
          f"median {r['infer_ms_median']:.1f} ms)")
    print(f"{'true/read':<12}" + "".join(f"{c:>10}" for c in CLASSES) + f"{'accuracy':>10}")
    for c, row in r["confusion"].items():
        print(f"{c:<12}" + "".join(f"{row[p]:>10}" for p in CLASSES)
              + f"{r['per_class'][c]:>10.1%}")
