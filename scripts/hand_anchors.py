"""anchors.npz for a trained hand classifier, from the landmark cache its training read.

`rps train --recognizer hand` writes anchors.npz itself; this makes it for a classifier
trained before that (the shipped rps/models/rps-hand), from the same cached landmarks
(runs/hand-landmarks/*.npz, written by that training) and the same split: training hands
only, plus recombined `none` poses as the training made them.

    python scripts/hand_anchors.py [--model rps/models/rps-hand] [--cache runs/hand-landmarks]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from rps.modeltools.hand_data import HandSet, training_features
from rps.modeltools.refit_hand import write_anchors
from rps.modeltools.train_hand import HandTrainConfig, split
from rps.recognizers.hand.recognizer import DEFAULT_HAND_MODEL


def cached(npz: Path) -> HandSet:
    d = np.load(npz)
    return HandSet(d["landmarks"], d["labels"], [str(p) for p in d["paths"]], int(d["missed"]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path, default=DEFAULT_HAND_MODEL)
    ap.add_argument("--cache", type=Path, default=Path("runs/hand-landmarks"))
    args = ap.parse_args()
    cfg = HandTrainConfig(Path("."), None, args.model)
    sets = []
    for name, cgi in (("rps-cgi", True), ("rps-cv-real", False)):
        found = sorted(args.cache.glob(f"{name}-*.npz"), key=lambda p: p.stat().st_mtime)
        if not found:
            raise SystemExit(f"no {name}-*.npz in {args.cache}: run `rps train -r hand` once")
        sets.append(split(cached(found[-1]), cgi=cgi)[0])
        print(f"{found[-1].name}: {len(sets[-1].labels)} training hands")
    train = HandSet(np.concatenate([s.landmarks for s in sets]),
                    np.concatenate([s.labels for s in sets]), [], 0)
    x, y = training_features(train, 0, int(cfg.none_share * len(train.labels)), cfg.seed)
    path = write_anchors(args.model, x, y)
    print(f"{path}: {np.bincount(np.load(path)['labels'])} per class, "
          f"{path.stat().st_size / 1024:.0f} kB (from {len(y)} training samples)")


if __name__ == "__main__":
    main()
