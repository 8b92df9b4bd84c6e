"""Teach-your-hand on a shifted domain: does 30 frames per class fix a room the model
handles poorly, without breaking what it already knew?

A "player's room": held-out render groups composited onto one photo never used in
training (scikit-image's coffee by default), under a warm colour cast and blur, at webcam
size, the hand where one player in front of one camera puts it (position and tilt
narrowed, spread 0.4; size 70-90% of the frame height). 30 frames per class (none: the
empty room) are written as a recording and fed to `rps personalize`; accuracy is measured
on the other frames of that room and on the original held-out renders, for the shipped and
the personal model, through the real engine (preprocessing in the IR, FP32).
Targets: personal >= 98% on the room, at most 2 points lost on the original set,
retraining <= 10 s. `--rooms all` repeats it in every unseen photo, `--seeds 0,1,2` with
other draws of hands, placements and taught frames.

    python benchmarks/personalize_shift.py [--model models/rps-mobilenet] [--rooms all]
        [--seeds 0,1,2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from rps.inference.engine import Engine
from rps.inference.modelfiles import DEFAULT_MODEL
from rps.modeltools.dataset import scan, split_by_group
from rps.modeltools.evaluate import UNSEEN_PHOTOS, unseen_photos
from rps.modeltools.fitcheck import RefitRefused
from rps.modeltools.personalize import personalize
from rps.modeltools.samples import load_hands
from rps.modeltools.synth import blend, hand_layer
from rps.recognizers.cnn import load_cnn
from rps.types import CLASSES, Frame, RingSettings

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "rps-cgi"
H, W = 480, 640


def room_look(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The room's camera: warm cast, soft focus, a little noise."""
    f = img.astype(np.float32) * np.float32([0.65, 0.9, 1.2])  # BGR: tungsten light
    f = cv2.GaussianBlur(f, (0, 0), 2.0)
    f += rng.normal(0, 4, f.shape).astype(np.float32)
    return np.clip(f, 0, 255).astype(np.uint8)


def make_room(rng: np.random.Generator, photo: np.ndarray, spread: float = 0.4
              ) -> tuple[list[np.ndarray], list[int]]:
    bg = cv2.resize(photo, (W, H))
    frames, labels = [], []
    for img, mask, c in load_hands(split_by_group(scan(DATA))["test"]):
        layer, a = hand_layer(img, mask, rng, H, W, spread=spread,
                              scale=rng.uniform(0.7, 0.9) if spread < 1 else None)
        frames.append(room_look(blend(bg, layer, a), rng))
        labels.append(c)
    for _ in range(120):
        shift = np.float32([[1, 0, rng.uniform(-20, 20)], [0, 1, rng.uniform(-15, 15)]])
        empty = cv2.warpAffine(bg, shift, (W, H), borderMode=cv2.BORDER_REFLECT)
        frames.append(room_look(empty, rng))
        labels.append(0)
    return frames, labels


def accuracy(model_dir: Path, frames: list[np.ndarray], labels: list[int]) -> float:
    engine = Engine(load_cnn(model_dir), frame_hw=frames[0].shape[:2],
                    settings=RingSettings("THROUGHPUT"))
    for i, f in enumerate(frames):
        engine.submit(Frame(i, 0.0, f))
    engine.drain()
    preds = [engine.get(1) for _ in frames]
    engine.close()
    return float(np.mean([CLASSES.index(p.label) == y for p, y in zip(preds, labels,
                                                                      strict=True)]))


def run_room(name: str, photo: np.ndarray, model: Path, per_class: int, spread: float,
             plain: tuple[list[np.ndarray], list[int]], seed: int) -> dict:
    rng = np.random.default_rng(seed)
    frames, labels = make_room(rng, photo, spread)
    teach, rest = [], []
    taken = dict.fromkeys(range(len(CLASSES)), 0)
    for i in rng.permutation(len(frames)):
        if taken[labels[i]] < per_class:
            taken[labels[i]] += 1
            teach.append(i)
        else:
            rest.append(i)
    with tempfile.TemporaryDirectory() as tmp:
        rec = Path(tmp) / "recording"
        for n, i in enumerate(teach):
            d = rec / CLASSES[labels[i]]
            d.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(d / f"{n:04d}.jpg"), frames[i])
        out = Path(tmp) / "personal"
        t0 = time.perf_counter()
        try:
            result = personalize(rec, model, out)
        except RefitRefused as exc:  # the shipped model stays
            result, out = {"feature_seconds": float("nan"), "refused": exc.check.figures}, model
        seconds = time.perf_counter() - t0
        room = ([frames[i] for i in rest], [labels[i] for i in rest])
        row = {"room": name, "seconds": seconds, "features_s": result["feature_seconds"],
               "taught": len(teach), "evaluated": len(rest),
               "refused": result.get("refused", "")}
        for who, m in (("shipped", model), ("personal", out)):
            row[who] = (accuracy(m, *room), accuracy(m, *plain))
    return row


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--per-class", type=int, default=30)
    ap.add_argument("--spread", type=float, default=0.4)
    ap.add_argument("--rooms", choices=("coffee", "all"), default="coffee")
    ap.add_argument("--seeds", default="0", help="comma-separated room draws")
    args = ap.parse_args()
    test = split_by_group(scan(DATA))["test"]
    plain = ([cv2.resize(img, (W, H)) for img, _, _ in load_hands(test)],
             [CLASSES.index(s.label) for s in test])
    photos = dict(zip(UNSEEN_PHOTOS, unseen_photos(), strict=True))
    names = [n for n in UNSEEN_PHOTOS if args.rooms == "all" or n.startswith("coffee")]
    print(f"{len(plain[0])} original held-out renders; {args.per_class} frames per class taught")
    print(f"{'room':<22}{'seed':>5}{'shipped room':>13}{'personal room':>14}{'shipped orig':>13}"
          f"{'personal orig':>14}{'retrain s':>10}")
    ok = True
    met = 0
    runs = [(n, int(s)) for n in names for s in args.seeds.split(",")]
    for name, seed in runs:
        r = run_room(name, photos[name], args.model, args.per_class, args.spread, plain, seed)
        drop = (r["shipped"][1] - r["personal"][1]) * 100
        good = r["personal"][0] >= 0.98 and drop <= 2.0 and r["seconds"] <= 10
        ok &= good or not name.startswith("coffee")
        met += good
        print(f"{name:<22}{seed:>5}{r['shipped'][0]:>13.2%}{r['personal'][0]:>14.2%}"
              f"{r['shipped'][1]:>13.2%}{r['personal'][1]:>14.2%}{r['seconds']:>10.1f}"
              f"  {'meets' if good else 'misses'} the targets")
    print(f"{met} of {len(runs)} runs meet the targets")
    print("PASS" if ok else "FAIL", "(the coffee room is the target; others are reported)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
