"""Helpers for the benchmark scripts: run a command, read its JSON, print ratios."""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rps_bench(*args: str) -> list[dict]:
    """Run `rps bench ... --json` in a fresh process and return its results."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.json"
        subprocess.run([sys.executable, "-m", "rps", "bench", "--quiet", "--json", str(out),
                        *args], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        return json.loads(out.read_text())


def benchmark_app(xml: Path, seconds: float, precision: str, *extra: str) -> float:
    """OpenVINO's benchmark_app, THROUGHPUT hint, on CPU; returns its frames per second.
    FP32 is run in exact f32, as rps runs it."""
    cmd = [str(Path(sys.executable).parent / "benchmark_app"), "-m", str(xml), "-d", "CPU",
           "-hint", "throughput", "-t", str(int(seconds)), *extra]
    if precision == "FP32":
        cmd += ["-infer_precision", "f32"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Throughput:\s+([\d.]+)\s+FPS", out).group(1))


def summary(name: str, ratios: list[float], target: float, higher_is_better: bool = True
            ) -> bool:
    med = statistics.median(ratios)
    ok = med >= target if higher_is_better else med <= target
    print(f"{name}: per round {', '.join(f'{r:.3f}' for r in ratios)}; median {med:.3f} "
          f"(target {'>=' if higher_is_better else '<='} {target}) -> {'PASS' if ok else 'FAIL'}")
    return ok
