"""Leave one source out: how the hand classifier's recipe reads a real-more set it never saw
(fitted on CGI, rps-cv-real and the other real-more sets), per class, and what each class
was read as (a source's `none` read as a throw is a pose the other sources call that throw).
Images with no hand found count as `none`. This is the number for a new room; the shipped
model's own numbers on held-out sessions come from `rps eval --data` on those sessions.

    python scripts/hand_loso.py [--json runs/hand-loso.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rps.modeltools.train_hand import HandTrainConfig, leave_one_source_out

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    more = tuple(sorted(p for p in (DATA / "real-more").iterdir() if p.is_dir()))
    cfg = HandTrainConfig(DATA / "rps-cgi", DATA / "rps-cv-real", Path("unused"), more,
                          seed=args.seed)
    out = leave_one_source_out(cfg)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
