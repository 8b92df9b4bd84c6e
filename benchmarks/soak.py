"""Soak: `rps bench` paced on the demo clip (30 fps) for minutes; memory must stay flat.

The resident set size (VmRSS from /proc/<pid>/status) of the bench process is read once a
minute; the one at minute 1 (model compiled, caches warm) is the baseline and the last one,
just before the run ends, is compared with it. Target: growth under 1%.

    python benchmarks/soak.py [--minutes 10] [--model rps/models/rps-mobilenet]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.0  # percent


def rss_mb(pid: int) -> float:
    """The process's resident set size in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--model", help="model folder (default: the shipped one)")
    args = ap.parse_args()
    if args.minutes < 2:
        ap.error("--minutes must be at least 2 (minute 1 is the baseline)")
    seconds = args.minutes * 60
    cmd = [sys.executable, "-m", "rps", "bench", "--demo", "--fps", "30", "--quiet",
           "--seconds", str(seconds)] + (["--model", args.model] if args.model else [])
    bench = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    samples: list[tuple[float, float]] = []
    # Once a minute, and a last time a few seconds before the run is due to end.
    marks = [m * 60.0 for m in range(1, int(args.minutes))] + [seconds - 5.0]
    for mark in sorted(set(marks)):
        time.sleep(max(0.0, t0 + mark - time.monotonic()))
        if bench.poll() is not None:
            break
        samples.append((mark / 60, rss_mb(bench.pid)))
        print(f"  minute {mark / 60:5.2f}: RSS {samples[-1][1]:7.1f} MB", flush=True)
    out, _ = bench.communicate()
    print(out, end="")
    if bench.returncode != 0 or len(samples) < 2:
        print(f"bench failed (exit {bench.returncode}) or ended early", file=sys.stderr)
        return 1
    (m1, first), (m2, last) = samples[0], samples[-1]
    growth = (last - first) / first * 100
    ok = growth < TARGET
    print(f"RSS at minute {m1:.0f}: {first:.1f} MB; at minute {m2:.2f}: {last:.1f} MB; "
          f"growth {growth:+.2f}% (target < {TARGET:.0f}%): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
