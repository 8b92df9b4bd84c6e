"""The rps pipeline against OpenVINO's benchmark_app on the same IR and input shape.

Throughput: `rps bench --source synthetic --max --hint THROUGHPUT` against
`benchmark_app -hint throughput` on the IR with rps's preprocessing baked in (u8 BGR
480x640 in), alternating the two in each round so machine noise hits both alike.
Target: the pipeline keeps at least 90% of benchmark_app's throughput.

Latency: at a paced 30 fps source with the LATENCY hint, capture-to-result median minus
pure inference median (same run). Target: at most 2 ms.

    python benchmarks/pipeline_vs_benchmark_app.py [--rounds 3] [--seconds 10]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import openvino as ov
from _common import benchmark_app, rps_bench, summary

from rps.inference.modelfiles import load_model_files
from rps.recognizers.cnn import prepare_model


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--precision", default="FP32")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=10)
    args = ap.parse_args()
    files = load_model_files(args.model)
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "with_ppp.xml"
        ov.save_model(prepare_model(ov.Core(), files, args.precision, (480, 640)), xml,
                      compress_to_fp16=False)
        ratios = []
        for i in range(args.rounds):
            ref = benchmark_app(xml, args.seconds, args.precision)
            ours = rps_bench("-r", "cnn", "--source", "synthetic", "--max", "--hint", "THROUGHPUT",
                             "--seconds", str(args.seconds), "-p", args.precision,
                             *(["--model", args.model] if args.model else []))[0]
            ratios.append(ours["throughput_fps"] / ref)
            print(f"round {i + 1}: benchmark_app {ref:.1f} fps, rps pipeline "
                  f"{ours['throughput_fps']:.1f} fps (nireq {ours['nireq']})")
    ok = summary("throughput rps / benchmark_app", ratios, 0.90)
    gaps = []
    for i in range(args.rounds):
        r = rps_bench("-r", "cnn", "--source", "synthetic", "--fps", "30", "--hint", "LATENCY",
                      "--seconds", str(args.seconds), "-p", args.precision,
                      *(["--model", args.model] if args.model else []))[0]
        gaps.append(r["e2e_median_ms"] - r["latency_median_ms"])
        print(f"round {i + 1}: paced 30 fps, capture-to-result median {r['e2e_median_ms']:.2f}"
              f" ms, inference median {r['latency_median_ms']:.2f} ms, dropped "
              f"{r['dropped_frames']}")
    ok &= summary("latency overhead ms (e2e median - inference median)", gaps, 2.0,
                  higher_is_better=False)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
