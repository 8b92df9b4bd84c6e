"""What a remote device costs: the demo clip read by the hand recognizer locally and through
`rps serve` on loopback (both on this machine's CPU), paced at the clip's 30 fps.

Prints, for each: capture-to-result median and p95, throughput, and this process's CPU
(the client: capture, tracking, and for remote the gRPC calls); for remote also the server's
CPU, the tensor bytes and calls per frame, and what a 1 Gb/s LAN would add on top of
loopback (bytes per frame / bandwidth + one round trip per call, at an assumed LAN RTT).
Rounds alternate local / remote so load from other processes falls on both. Then faults:
a server killed, and one hung, mid-game (time to fall back to the CPU). Last line:
``added_ms X.XX``, remote median minus local median. Goal: at most 3 ms on loopback.

    python benchmarks/remote_vs_local.py [--seconds 10] [--rounds 2] [--precision FP16]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rps.capture import DEMO_CLIP, open_source
from rps.inference.backend import open_backend
from rps.pipeline import Pipeline
from rps.recognizers import load_recognizer

LAN_BITS_PER_S = 1e9
LAN_RTT_MS = 0.2  # a switched gigabit LAN's round trip, typical; loopback's is inside added_ms


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(precision: str) -> tuple[subprocess.Popen, int]:
    port, rest = free_port(), free_port()
    while rest == port:  # the OS may hand the same free port out twice
        rest = free_port()
    log = open(Path(tempfile.gettempdir()) / "rps-serve-benchmark.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "rps", "serve", "--port", str(port),
                             "--rest-port", str(rest), "--precision", precision],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, port
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("rps serve did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(device: str, precision: str, seconds: float, backend, server_pid: int | None
        ) -> dict:
    model = load_recognizer("hand")
    lat, n = [], 0
    with Pipeline(open_source(DEMO_CLIP), model, device, precision, loop=True,
                  backend=backend) as pipe:
        t_end = time.perf_counter() + 2.0  # warm-up: first frames, connections, standby
        while time.perf_counter() < t_end:
            pipe.take(0.1)
        traffic = getattr(backend.remote(device), "traffic", None) if \
            device.startswith("remote:") else None
        calls0, bytes0 = (traffic.calls, traffic.sent + traffic.received) if traffic else (0, 0)
        c0, s0, t0 = time.process_time(), cpu_seconds(server_pid) if server_pid else 0.0, \
            time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            for p in pipe.take(0.1):
                lat.append((p.t_done - p.t_capture) * 1000)
                n += 1
            pipe.check()
        wall = time.perf_counter() - t0
        out = {"lat": lat, "fps": n / wall, "cpu": (time.process_time() - c0) / wall * 100,
               "frames": n}
        if traffic:
            out["calls"] = (traffic.calls - calls0) / n
            out["bytes"] = (traffic.sent + traffic.received - bytes0) / n
            out["server_cpu"] = (cpu_seconds(server_pid) - s0) / wall * 100
        if pipe.device != device:
            raise SystemExit(f"{device} fell back to {pipe.device} during the run")
    return out


def fault(precision: str, sig: signal.Signals) -> str:
    """A game on a fresh server that then dies (SIGKILL) or hangs (SIGSTOP): ms from the
    signal to the 'lost' event and to the first local result, and the longest gap between
    results around it (the window never waits on these; it keeps drawing)."""
    proc, port = start_server(precision)
    device = f"remote:127.0.0.1:{port}"
    lost = first_local = None
    try:
        with Pipeline(open_source(DEMO_CLIP), load_recognizer("hand"), device, precision,
                      loop=True, backend=open_backend(remotes=[device])) as pipe:
            t_end = time.perf_counter() + 3.0  # playing a while: the standby is ready
            while time.perf_counter() < t_end:
                pipe.take(0.1)
            last, gap = time.perf_counter(), 0.0
            os.killpg(proc.pid, sig)
            t0 = time.perf_counter()
            while first_local is None and time.perf_counter() - t0 < 10:
                for p in pipe.take(0.01):
                    gap, last = max(gap, p.t_done - last), p.t_done
                    if p.device == "CPU":
                        first_local = (p.t_done - t0) * 1000
                for e in pipe.events():
                    if e.kind == "lost":
                        lost = (e.t - t0) * 1000
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    if lost is None or first_local is None:
        return f"server {sig.name}: no fall-back within 10 s"
    return (f"server {sig.name}: lost after {lost:.0f} ms, first local result after "
            f"{first_local:.0f} ms, longest gap between results {gap * 1000:.0f} ms")


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20)[-1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--precision", default="FP16")
    args = ap.parse_args()
    proc, port = start_server(args.precision)
    remote = f"remote:127.0.0.1:{port}"
    backend = open_backend(remotes=[remote])
    runs: dict[str, list[dict]] = {"CPU": [], remote: []}
    try:
        for _ in range(args.rounds):
            for device in runs:
                runs[device].append(run(device, args.precision, args.seconds, backend,
                                        proc.pid if device == remote else None))
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
    med = {}
    for device, rs in runs.items():
        lat = [x for r in rs for x in r["lat"]]
        med[device] = statistics.median(lat)
        fps = statistics.mean(r["fps"] for r in rs)
        cpu = statistics.mean(r["cpu"] for r in rs)
        line = (f"{device:<24} capture-to-result median {med[device]:6.2f} ms  p95 "
                f"{p95(lat):6.2f} ms  {fps:5.1f} fps  client CPU {cpu:5.1f}% of a core")
        if device == remote:
            per = statistics.mean(r["bytes"] for r in rs)
            calls = statistics.mean(r["calls"] for r in rs)
            server = statistics.mean(r["server_cpu"] for r in rs)
            line += f"  server CPU {server:5.1f}%"
            wire = per * 8 / LAN_BITS_PER_S * 1000
            lan = wire + calls * LAN_RTT_MS
        print(line)
    print(f"remote traffic: {per / 1024:.1f} KiB and {calls:.2f} calls per frame (tensors, "
          f"both ways); on a 1 Gb/s LAN: {wire:.2f} ms on the wire + {calls:.2f} x "
          f"{LAN_RTT_MS} ms RTT = {lan:.2f} ms more than loopback")
    for sig in (signal.SIGKILL, signal.SIGSTOP):
        print(fault(args.precision, sig))
    print(f"added_ms {med[remote] - med['CPU']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
