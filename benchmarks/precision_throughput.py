"""INT8 against FP32 (and FP16) throughput on this CPU, alternating in one run.

Each round measures, back to back for every precision so all see the same machine load:
`rps bench --source synthetic --max --hint THROUGHPUT` on 640x480 camera-size frames (the
IR resizes them), the same on 224x224 frames (no resize), and the network alone with
benchmark_app (224x224 f32 input, no preprocessing). Target: INT8 at least 2x FP32.
FP32 runs in exact f32 (as `rps play` does); FP16 and INT8 at the device's defaults.

    python benchmarks/precision_throughput.py [--rounds 3] [--seconds 8]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _common import benchmark_app, rps_bench, summary

from rps.inference.modelfiles import DEFAULT_MODEL

PRECISIONS = ("FP32", "FP16", "INT8")


def network_only(model: Path, precision: str, seconds: float) -> float:
    return benchmark_app(model / precision / "model.xml", seconds, precision,
                         "-shape", "[1,224,224,3]")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=8)
    args = ap.parse_args()
    ratios: dict[str, list[float]] = {}
    for i in range(args.rounds):
        for name, source in (("pipeline 640x480", "synthetic:640x480"),
                             ("pipeline 224x224", "synthetic:224x224"), ("network only", None)):
            fps = {}
            for p in PRECISIONS:
                if source is None:
                    fps[p] = network_only(args.model, p, args.seconds)
                else:
                    fps[p] = rps_bench("-r", "cnn", "--source", source, "--max", "--hint",
                                       "THROUGHPUT", "--seconds", str(args.seconds), "-p", p,
                                       "--model", str(args.model))[0]["throughput_fps"]
            print(f"round {i + 1} {name:<17}: " +
                  ", ".join(f"{p} {v:7.1f} fps" for p, v in fps.items()))
            ratios.setdefault(f"{name}: INT8 / FP32", []).append(fps["INT8"] / fps["FP32"])
            ratios.setdefault(f"{name}: FP16 / FP32", []).append(fps["FP16"] / fps["FP32"])
    ok = True
    for name, r in ratios.items():
        passed = summary(name, r, 2.0 if "INT8" in name else 0.0)
        ok &= passed or "INT8" not in name or "network" in name
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
