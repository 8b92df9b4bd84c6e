"""INT8 against FP32 (and FP16) throughput on this CPU, alternating in one run.

Each round runs `rps bench --source synthetic --max --hint THROUGHPUT` for every
precision back to back, so both see the same machine load. Target: INT8 at least 2x FP32.
FP32 runs in exact f32 (as `rps play` does); FP16 runs at the device's default precision.

    python benchmarks/precision_throughput.py [--rounds 3] [--seconds 8]
"""

from __future__ import annotations

import argparse
import sys

from _common import rps_bench, summary


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=8)
    args = ap.parse_args()
    model = ["--model", args.model] if args.model else []
    int8, fp16 = [], []
    for i in range(args.rounds):
        fps = {}
        for p in ("FP32", "FP16", "INT8"):
            r = rps_bench("--source", "synthetic", "--max", "--hint", "THROUGHPUT",
                          "--seconds", str(args.seconds), "-p", p, *model)[0]
            fps[p] = r["throughput_fps"]
        print(f"round {i + 1}: " + ", ".join(f"{p} {v:.1f} fps" for p, v in fps.items()))
        int8.append(fps["INT8"] / fps["FP32"])
        fp16.append(fps["FP16"] / fps["FP32"])
    summary("FP16 / FP32 throughput", fp16, 0.0)
    ok = summary("INT8 / FP32 throughput", int8, 2.0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
