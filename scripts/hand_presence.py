"""How sure is the landmark model that a real throw is a hand? The presence score of every
hand found in a labelled folder, per class: the evidence for why a presence threshold is no
way to turn swept, blurred hands into `none` (it would drop real throws too).

    python scripts/hand_presence.py ../shared/data/rps-cv-real --every 2
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import numpy as np

from rps.inference.core import make_core
from rps.inference.engine import Engine
from rps.modeltools.dataset import scan
from rps.recognizers import load_recognizer
from rps.types import Frame


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path)
    ap.add_argument("--every", type=int, default=1, help="read one image in N")
    ap.add_argument("-p", "--precision", default="FP16")
    args = ap.parse_args()
    reader, core = load_recognizer("hand", track=False), make_core(None)
    engines: dict[tuple[int, int], Engine] = {}
    presence: dict[str, list[float]] = {}
    try:
        for s in scan(args.data)[::args.every]:
            img = cv2.imread(str(s.path))
            hw = img.shape[:2]
            if hw not in engines:
                engines[hw] = Engine(reader, "CPU", args.precision, frame_hw=hw, backend=core)
            engines[hw].submit(Frame(0, time.perf_counter(), img))
            p = engines[hw].get(30)
            presence.setdefault(s.label, []).extend([p.hands[0].presence] if p.hands else [])
    finally:
        for e in engines.values():
            e.close()
    for label, v in presence.items():
        a = np.array(v)
        print(f"{label:>9}: {a.size} hands, presence min {a.min():.3f}, "
              f"1% {np.percentile(a, 1):.3f}, 5% {np.percentile(a, 5):.3f}; "
              f"below 0.9: {(a < 0.9).sum()}, "
              f"below 0.96: {(a < 0.96).sum()}")


if __name__ == "__main__":
    main()
