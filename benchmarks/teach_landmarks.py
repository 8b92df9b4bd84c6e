"""Teach mode on landmarks, measured: does refitting the shipped hand classifier on 10 frames
per class from one part of a real webcam recording lift (or at least keep) its reading of
the rest of that recording?

rps-real-dev plays the player's own recording here, which is what teach mode sees: the
frames of one slice per class (10 files in numeric order, e.g. 1-10: the start of the
recording) are the taught ones, and accuracy is measured on ALL the other frames, before and
after, through the game's own path: landmarks from the shipped MediaPipe stages on each
frame as a still image, the classifier through OpenVINO (``HandModel.build``, as the engine
compiles it), no hand = none. The refit time is reported without reading the landmarks
(which the game has already done while recording), and the landmark reading of the taught
frames separately. The shipped weights are never changed: each personal model is written
to a temporary folder.

    python benchmarks/teach_landmarks.py [--starts 0,100] [--starts all] [--per-class 10]
        [--precision FP16]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
import openvino as ov

from rps.inference.modelfiles import SHARED
from rps.inference.ov_backend import OpenVinoBackend
from rps.modeltools.dataset import scan
from rps.modeltools.fitcheck import RefitRefused
from rps.modeltools.refit_hand import hand_coverage, refit_hand
from rps.recognizers.hand.recognizer import DEFAULT_HAND_MODEL, load_hand
from rps.types import CLASSES, RingSettings

DEV = SHARED / "data" / "rps-real-dev"
NONE = CLASSES.index("none")


def read_all(precision: str) -> tuple[list, np.ndarray, list[str], list[float]]:
    """Every frame's hands (most confident first), class, file and reading time."""
    stages = load_hand(track=False).stages(ov.Core(), "CPU", precision)
    readings, labels, names, ms = [], [], [], []
    for s in scan(DEV):
        img = cv2.imread(str(s.path))
        t0 = time.perf_counter()
        readings.append(stages(img))
        ms.append(time.perf_counter() - t0)
        labels.append(CLASSES.index(s.label))
        names.append(f"{s.label}/{s.path.name}")
    return readings, np.array(labels), names, ms


def reads(model: Path, precision: str, readings: list) -> np.ndarray:
    """What the game shows for each frame: the classifier on the first hand, else none."""
    rec = load_hand(model, track=False).build(OpenVinoBackend(), "CPU", precision, (380, 400),
                                              RingSettings())
    labels = rec.model.files.labels
    return np.array([CLASSES.index(labels[int(rec.classify(r[:1])[0].argmax())]) if r else NONE
                     for r in readings])


def slice_of(names: list[str], labels: np.ndarray, start: int, n: int) -> np.ndarray:
    """The ``n`` frames per class from numeric position ``start`` (a mask)."""
    taught = np.zeros(len(names), bool)
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        order = sorted(idx, key=lambda i: int(Path(names[i]).stem))
        taught[order[start:start + n]] = True
    return taught


def per_class(truth: np.ndarray, got: np.ndarray) -> str:
    return " ".join(f"{c} {np.mean(got[truth == i] == i):.1%}" for i, c in enumerate(CLASSES)
                    if (truth == i).any())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--starts", default="0,100", help="slice starts (numeric file order), "
                    "comma-separated, or 'all' for every slice")
    ap.add_argument("--per-class", type=int, default=10)
    ap.add_argument("--precision", default=load_hand().default_precision)
    args = ap.parse_args()
    t0 = time.perf_counter()
    readings, truth, names, ms = read_all(args.precision)
    print(f"{DEV}: {len(names)} frames read in {time.perf_counter() - t0:.0f} s "
          f"({args.precision}); hand found in {np.mean([bool(r) for r in readings]):.1%}")
    before = reads(DEFAULT_HAND_MODEL, args.precision, readings)
    n = args.per_class
    per = min(int((truth == c).sum()) for c in np.unique(truth))
    starts = range(0, per - n + 1, n) if args.starts == "all" else \
        [int(s) for s in args.starts.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for start in starts:
            taught = slice_of(names, truth, start, n)
            idx = [i for i in np.flatnonzero(taught) if readings[i]]
            lms = np.stack([readings[i][0].landmarks for i in idx])
            missed = {c: int(sum(not readings[i] for i in np.flatnonzero(taught & (truth == k))))
                      for k, c in enumerate(CLASSES)}
            total = {c: int((taught & (truth == k)).sum()) for k, c in enumerate(CLASSES)}
            rest = ~taught
            try:
                r = refit_hand(lms, truth[idx], None, Path(tmp) / f"personal-{start}")
            except RefitRefused as exc:  # the shipped model stays: after == before
                b = float(np.mean(before[rest] == truth[rest]))
                rows.append((b, b, float("nan"), float("nan")))
                print(f"\nslice {start + 1}-{start + n} per class: refused, {exc.check.figures}")
                continue
            after = reads(r.out, args.precision, readings)
            b, a = (float(np.mean(x[rest] == truth[rest])) for x in (before, after))
            rows.append((b, a, r.seconds, r.fit_seconds))
            read_s = sum(ms[i] for i in np.flatnonzero(taught))
            print(f"\nslice {start + 1}-{start + n} per class: {len(idx)} hands taught "
                  f"{r.frames} (coverage of throws {hand_coverage(missed, total):.0%}), "
                  f"landmarks of those {int(taught.sum())} frames read in {read_s:.2f} s")
            print(f"  refit {r.seconds * 1000:.0f} ms (numpy fit {r.fit_seconds * 1000:.0f} ms), "
                  f"fits its hands at {r.fit_accuracy:.0%}, {r.check.figures}")
            print(f"  rest ({int(rest.sum())} frames): before {b:.2%} -> after {a:.2%}")
            print(f"    before: {per_class(truth[rest], before[rest])}")
            print(f"    after:  {per_class(truth[rest], after[rest])}")
    if len(rows) > 1:
        bs, as_, secs, _ = zip(*rows, strict=True)
        print(f"\n{len(rows)} slices: before mean {statistics.mean(bs):.2%}, after mean "
              f"{statistics.mean(as_):.2%} (min {min(as_):.2%}, max {max(as_):.2%}); "
              f"after < before in {sum(a < b for b, a, *_ in rows)}; refused in "
              f"{sum(np.isnan(s) for s in secs)}")
        done = [s for s in secs if not np.isnan(s)]
        if done:
            print(f"refit median {statistics.median(done) * 1000:.0f} ms, max "
                  f"{max(done) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
