"""Make rps/assets/demo.mp4: CGI hands from ../shared composited onto a generated room.

The clip alternates empty stretches (no hand) with a hand held up for a few seconds,
drifting slightly as a real hand does, so `rps play --demo` and `rps bench` have a
camera-like source on any machine. Image credit: Rock Paper Scissors dataset by
Laurence Moroney, CC BY 2.0 (see assets/CREDITS.md).

    python scripts/make_demo_clip.py [--data ../shared/data/rps-cgi] [--out rps/assets/demo.mp4]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from rps.modeltools import synth
from rps.modeltools.dataset import scan, split_by_group

ROOT = Path(__file__).resolve().parent.parent
W, H, FPS = 640, 480, 30


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "rps-cgi")
    ap.add_argument("--out", type=Path, default=ROOT / "rps" / "assets" / "demo.mp4")
    ap.add_argument("--segments", type=int, default=12, help="hand-up stretches in the clip")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    test = split_by_group(scan(args.data))["test"]  # held-out groups: never trained on
    bg = np.clip(synth.room(rng, H, W), 0, 255).astype(np.uint8)  # most webcam-like
    writer = cv2.VideoWriter(str(args.out), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (W, H))
    labels = ["rock", "paper", "scissors"]
    order = [labels[i % 3] for i in rng.permutation(args.segments)]
    frames = 0
    for label in order:
        for _ in range(int(FPS * rng.uniform(1.0, 2.0))):  # nobody there
            writer.write(_noisy(bg, rng))
            frames += 1
        pool = [s for s in test if s.label == label]
        img = cv2.imread(str(pool[int(rng.integers(0, len(pool)))].path))
        layer, a = synth.hand_layer(img, synth.hand_mask(img), rng, H, W, scale=0.8)
        for t in range(int(FPS * rng.uniform(2.5, 3.5))):
            dx, dy = 6 * np.sin(t / 9), 4 * np.cos(t / 13) + max(0, 40 - 8 * t)  # rises in
            m = np.float32([[1, 0, dx], [0, 1, dy]])
            moved = cv2.warpAffine(layer, m, (W, H))
            moved_a = cv2.warpAffine(a, m, (W, H))[..., None]
            writer.write(_noisy(synth.blend(bg, moved, moved_a), rng))
            frames += 1
    writer.release()
    print(f"wrote {args.out}: {frames} frames, {frames / FPS:.1f} s, "
          f"{args.out.stat().st_size / 1e6:.1f} MB; gestures {' '.join(order)}")


def _noisy(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    noise = rng.normal(0, 3, img.shape).astype(np.float32)
    return np.clip(img + noise, 0, 255).astype(np.uint8)


if __name__ == "__main__":
    main()
