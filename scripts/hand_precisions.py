"""What each precision of the hand stages does to the landmarks and to the game's reading.

For FP16 and INT8 (where shipped) against FP32, on hands the classifier never trained on
(the CGI test render groups and the held-out seventh of rps-cv): the median landmark
distance over hand size (the long side of the FP32 landmarks' box). Then the gesture
accuracy of each precision on rps-real-dev through `rps eval --data`. INT8 ships only if
that accuracy drops at most 0.5 point from FP32.

    python scripts/hand_precisions.py [--dev ../shared/data/rps-real-dev]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np
import openvino as ov

from rps.inference.modelfiles import SHARED
from rps.modeltools.dataset import held_out_real, scan, split_by_group
from rps.modeltools.eval_folder import eval_folder
from rps.recognizers import load_recognizer


def held_out_images() -> list[Path]:
    cgi = [s.path for s in split_by_group(scan(SHARED / "data" / "rps-cgi"))["test"]]
    real = [s.path for s in scan(SHARED / "data" / "rps-cv-real") if held_out_real(s.path)]
    return cgi + real


def landmark_error(precision: str, images: list[Path]) -> tuple[float, int]:
    """Median over images of median landmark distance / hand size, against FP32."""
    core, hand = ov.Core(), load_recognizer("hand", track=False)
    ref, other = hand.stages(core, "CPU", "FP32"), hand.stages(core, "CPU", precision)
    errs = []
    for path in images:
        img = cv2.imread(str(path))
        a, b = ref(img), other(img)
        if a and b:
            la, lb = a[0].landmarks[:, :2], b[0].landmarks[:, :2]
            size = float(np.ptp(la, axis=0).max())
            errs.append(float(np.median(np.linalg.norm(la - lb, axis=1))) / size)
    return float(np.median(errs)), len(errs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", type=Path, default=SHARED / "data" / "rps-real-dev")
    args = ap.parse_args()
    images = held_out_images()
    variants = load_recognizer("hand").variants
    acc = {p: eval_folder(args.dev, "hand", precision=p, quiet=True)["accuracy"]
           for p in variants}
    print(f"{'precision':<10}{'landmark error':>16}{'hands':>7}{'rps-real-dev':>14}")
    print(f"{'FP32':<10}{'(reference)':>16}{'':>7}{acc['FP32']:>14.2%}")
    for p in variants:
        if p != "FP32":
            err, n = landmark_error(p, images)
            print(f"{p:<10}{err:>15.2%}{n:>8}{acc[p]:>14.2%}")
    print("landmark error: median over held-out hands of the median landmark distance "
          "to FP32, over hand size")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
