"""Distil MediaPipe's hand landmark model onto spoiled copies of real frames, for the frames
the recognizer judges blocky (``rps/modeltools/distill_landmarks.py`` says how and why).
About 10 minutes on 2 cores; needs the train extra and ../shared.

    python scripts/distill_landmarks.py [--out rps/models/mediapipe-hands/landmarks-jpeg]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from rps.errors import RpsError
from rps.inference.modelfiles import SHIPPED_MODELS
from rps.modeltools.distill_landmarks import SOURCE, DistillConfig, distill
from rps.types import PRECISIONS


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=SHIPPED_MODELS / "mediapipe-hands" /
                    "landmarks-jpeg")
    ap.add_argument("--epochs", type=int, default=DistillConfig.epochs)
    ap.add_argument("--per-class", type=int, default=DistillConfig.per_class)
    args = ap.parse_args()
    if not SOURCE.is_file():
        sys.exit(f"error: {SOURCE} not found: this needs ../shared beside the project")
    if args.epochs < 1 or args.per_class < 1:
        sys.exit("error: --epochs and --per-class must be at least 1")
    if args.out.exists() and not args.out.is_dir():
        sys.exit(f"error: --out {args.out} is a file, not a folder")
    other = [p for p in PRECISIONS if p != "FP16" and (args.out / p).exists()]
    if other:  # the folder would serve two models, stamped as one
        sys.exit(f"error: --out {args.out} holds another model ({', '.join(other)}): "
                 "give a new folder or the one this script made")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        report = distill(DistillConfig(args.out, per_class=args.per_class,
                                       epochs=args.epochs))
    except (RpsError, ImportError, OSError) as exc:
        sys.exit(f"error: {exc}")
    print(json.dumps(report["landmark_error_px"], indent=2))


if __name__ == "__main__":
    main()
