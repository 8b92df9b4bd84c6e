"""`rps bench`: the whole capture -> engine pipeline with no window, measured.

Runs every combination of the devices, precisions, hints, request counts and APIs asked
for, prints a table and writes JSON using benchmark_app's names (count, duration, latency
median / average / min / max, throughput) plus p95, dropped frames, first-inference and
compile time, so latency-versus-throughput experiments rerun with one command.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from array import array
from dataclasses import asdict, dataclass
from pathlib import Path

from rps.capture import open_source
from rps.errors import RpsError, SourceError
from rps.pipeline import Pipeline
from rps.types import LatencyStats, RecognizerModel


@dataclass
class BenchResult:
    device: str
    precision: str
    hint: str
    api: str
    nireq: int
    source: str
    count: int
    duration_ms: float
    throughput_fps: float
    latency_median_ms: float
    latency_avg_ms: float
    latency_min_ms: float
    latency_max_ms: float
    latency_p95_ms: float
    e2e_median_ms: float  # capture -> result
    e2e_p95_ms: float
    e2e_max_ms: float
    dropped_frames: int
    first_inference_ms: float
    compile_ms: float
    cpu_percent: float  # this process's CPU time over the run, in % of one core
    palm_share: float  # hand recognizer: frames on which palm detection ran (NaN: cnn)
    hands_share: float  # hand recognizer: frames in which a hand was read (NaN: cnn)
    palm_share_hand: float  # ... and of the frames with a hand, those that needed the palm


@dataclass
class BenchConfig:
    source: str
    model: RecognizerModel
    devices: list[str]
    precisions: list[str]
    hints: list[str]
    nireqs: list[int]
    apis: list[str]
    seconds: float = 10.0
    frames: int = 0
    paced: bool = True
    loop: bool = True
    fps: float | None = None
    perf_counters: bool = False
    cache_dir: Path | None = None
    progress: bool = True
    stall_timeout: float = 3.0


def run_one(cfg: BenchConfig, device: str, precision: str, hint: str, nireq: int,
            api: str) -> tuple[BenchResult, list, bool]:
    """One measured run; returns its result, the per-layer counters (if asked for) and
    whether Ctrl-C cut it short (the result then covers the frames measured until then)."""
    source = open_source(cfg.source, fps=cfg.fps)
    pipe = Pipeline(source, cfg.model, device, precision, paced=cfg.paced, loop=cfg.loop,
                    max_frames=cfg.frames, hint=hint, nireq=nireq, sync=(api == "sync"),
                    perf_counters=cfg.perf_counters, cache_dir=cfg.cache_dir)
    # Every latency is kept for the percentiles: 8 bytes each (an array, not a list of
    # float objects at 32), so a long run grows by 16 bytes a frame, 0.2 MB in 10 minutes.
    infer, e2e = array("d"), array("d")
    palm = hands = palm_and_hand = staged = 0  # counts: the hand recognizer's stages
    first_ms = float("nan")
    counters: list = []
    interrupted = False
    with pipe:
        assert pipe.engine is not None
        dropped0 = pipe.capture.dropped
        t_start = t_last = time.perf_counter()
        next_tick = t_start + 1.0
        while True:
            try:
                batch = pipe.take(0.2)
            except KeyboardInterrupt:
                interrupted = True
                break
            now = time.perf_counter()
            pipe.check()
            if batch:
                if first_ms != first_ms:  # NaN: the very first result, kept apart
                    first_ms = batch.pop(0).infer_ms
                    t_start, cpu_start = now, time.process_time()
                infer.extend(p.infer_ms for p in batch)
                e2e.extend(p.latency_ms for p in batch)
                for p in batch:
                    palm += p.palm_ran
                    hands += bool(p.hands)
                    palm_and_hand += p.palm_ran and bool(p.hands)
                    staged += bool(p.stages_ms)
                t_last, cpu_last = now, time.process_time()
            elif pipe.finished:
                break
            elif source.live and pipe.capture.stalled_for() > cfg.stall_timeout:
                raise SourceError(f"{source.name} stopped delivering frames")
            if cfg.frames and len(infer) + 1 >= cfg.frames:
                del infer[cfg.frames - 1:], e2e[cfg.frames - 1:]
                break
            if not cfg.frames and now - t_start >= cfg.seconds:
                break
            if cfg.progress and now >= next_tick:
                next_tick += 1.0
                print(f"\r  {device} {precision} {hint} {api}: {now - t_start:4.0f} s, "
                      f"{len(infer)} frames", end="", file=sys.stderr, flush=True)
        if cfg.perf_counters:
            pipe.engine.drain()
            counters = pipe.engine.perf_counts()
        ring = pipe.engine.ring
        dropped = pipe.capture.dropped - dropped0
        cpu_s = cpu_last - cpu_start if infer else float("nan")
    if cfg.progress:
        print("\r" + " " * 70 + "\r", end="", file=sys.stderr)
    duration = (t_last - t_start) * 1000
    inf, lat = LatencyStats.of(infer), LatencyStats.of(e2e)
    return BenchResult(
        device=ring.device, precision=ring.precision, hint=hint, api=api, nireq=ring.nireq,
        source=source.name, count=len(infer), duration_ms=round(duration, 1),
        throughput_fps=round(len(infer) / duration * 1000, 2) if duration > 0 else 0.0,
        latency_median_ms=inf.median, latency_avg_ms=inf.mean, latency_min_ms=inf.min,
        latency_max_ms=inf.max, latency_p95_ms=inf.p95, e2e_median_ms=lat.median,
        e2e_p95_ms=lat.p95, e2e_max_ms=lat.max, dropped_frames=dropped,
        first_inference_ms=first_ms, compile_ms=round(ring.compile_ms, 1),
        cpu_percent=round(100 * cpu_s / (duration / 1000), 1) if duration > 0 else float("nan"),
        palm_share=palm / len(infer) if staged and infer else float("nan"),
        hands_share=hands / len(infer) if staged and infer else float("nan"),
        palm_share_hand=palm_and_hand / hands if staged and hands else float("nan"),
    ), counters, interrupted


def run(cfg: BenchConfig, json_path: Path | None = None) -> list[BenchResult]:
    """Every combination in turn, then the table and the JSON. Ctrl-C stops the runs, keeps
    the rows measured so far (the cut one included), prints and writes them, and re-raises."""
    results: list[BenchResult] = []
    interrupted = False
    combos = itertools.product(cfg.devices, cfg.precisions, cfg.hints, cfg.nireqs, cfg.apis)
    try:
        for device, precision, hint, nireq, api in combos:
            result, counters, interrupted = run_one(cfg, device, precision, hint, nireq, api)
            results.append(result)
            if counters:
                print_counters(counters)
            if interrupted:
                break
    except KeyboardInterrupt:  # between runs, or while one was starting
        interrupted = True
    print_table(results)
    if json_path is not None:
        try:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(json.dumps([asdict(r) for r in results], indent=2))
        except OSError as exc:
            raise RpsError(f"cannot write {json_path}: {exc.strerror or exc}") from None
        print(f"wrote {json_path}")
    if interrupted:
        raise KeyboardInterrupt
    return results


def print_table(results: list[BenchResult]) -> None:
    head = (f"{'device':<16}{'prec':<6}{'hint':<12}{'api':<6}{'nireq':>5}{'count':>7}"
            f"{'fps':>9}{'inf med':>9}{'inf p95':>9}{'e2e med':>9}{'e2e p95':>9}"
            f"{'dropped':>8}{'first':>8}{'compile':>9}{'cpu %':>7}{'palm %':>7}{'hand %':>7}")
    print(head)
    for r in results:
        hint = r.hint.replace("CUMULATIVE_THROUGHPUT", "CUMULATIVE")
        print(f"{r.device:<16}{r.precision:<6}{hint:<12}{r.api:<6}{r.nireq:>5}{r.count:>7}"
              f"{r.throughput_fps:>9.1f}{r.latency_median_ms:>9.2f}{r.latency_p95_ms:>9.2f}"
              f"{r.e2e_median_ms:>9.2f}{r.e2e_p95_ms:>9.2f}{r.dropped_frames:>8}"
              f"{r.first_inference_ms:>8.2f}{r.compile_ms:>9.1f}{r.cpu_percent:>7.0f}"
              f"{100 * r.palm_share:>7.0f}{100 * r.palm_share_hand:>7.0f}")
    print("times in ms; inf = pure inference, e2e = capture to result; cpu % of one core; "
          "palm % = frames on which the hand recognizer ran palm detection, hand % = the same "
          "among frames with a hand in view (tracking carries the rest)")


def print_counters(counters: list) -> None:
    """OpenVINO's per-layer counters, slowest first, like benchmark_app -pc."""
    rows = sorted(counters, key=lambda c: c.real_time.total_seconds(), reverse=True)
    total = sum(c.real_time.total_seconds() for c in rows) * 1000
    print(f"{'layer':<48}{'type':<20}{'exec':<24}{'ms':>8}")
    for c in rows:
        if c.status.name != "EXECUTED":
            continue
        print(f"{c.node_name[:47]:<48}{c.node_type[:19]:<20}{c.exec_type[:23]:<24}"
              f"{c.real_time.total_seconds() * 1000:>8.3f}")
    print(f"total {total:.3f} ms")
