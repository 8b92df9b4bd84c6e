"""`rps bench`: the whole capture -> engine pipeline with no window, measured.

Runs every combination of the devices, precisions, hints, request counts and APIs asked
for, prints a table and writes JSON using benchmark_app's names (count, duration, latency
median / average / min / max, throughput) plus p95, dropped frames, first-inference and
compile time, so latency-versus-throughput experiments rerun with one command.

Ctrl-C (once or many times) and SIGTERM end it cleanly (``Stop``): the run in progress
stops at its next check, its threads are joined, and the rows measured so far are printed
and written; a signal never lands as an exception inside OpenVINO or inside the cleanup,
which would abort the interpreter with the threads still running.
"""

from __future__ import annotations

import itertools
import json
import math
import signal
import sys
import threading
import time
from array import array
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rps.capture import open_source
from rps.errors import RpsError, SourceError
from rps.inference.backend import Backend
from rps.pipeline import Pipeline
from rps.types import LatencyStats, RecognizerModel, RingSettings
from rps.userdata.files import write_text


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


class Stop:
    """SIGINT and SIGTERM, while a bench runs, set ``event`` (and keep the first signal's
    number for the exit code) instead of raising. The previous handlers come back after a
    run that no signal ended; after one the signals are ignored: the process is on its way
    out, and one more Ctrl-C must not land in the exit (Python's own handler would raise;
    the default one, which Python restores as it finalizes, would kill it)."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signum = 0
        self._old: dict = {}

    def __call__(self, signum: int, _frame: object) -> None:
        self.signum = self.signum or signum
        self.event.set()

    def __enter__(self) -> Stop:
        if threading.current_thread() is threading.main_thread():  # where handlers run
            self._old = {s: signal.signal(s, self) for s in self.SIGNALS}
        return self

    def __exit__(self, *exc: object) -> None:
        for s, handler in self._old.items():
            signal.signal(s, signal.SIG_IGN if self.signum else handler)


@dataclass
class BenchConfig:
    source: str
    model: RecognizerModel
    devices: list[str]
    precisions: list[str]
    hints: list[str]
    nireqs: list[int]
    apis: list[str]
    seconds: float | None = 10.0  # None: until --frames
    frames: int = 0
    paced: bool = True
    loop: bool = True
    fps: float | None = None
    perf_counters: bool = False
    cache_dir: Path | None = None
    progress: bool = True
    stall_timeout: float = 3.0
    stop: threading.Event = field(default_factory=threading.Event)  # set: end the runs
    backend: Backend | None = None  # None: OpenVINO on this machine


def run_one(cfg: BenchConfig, device: str, precision: str, hint: str, nireq: int,
            api: str) -> tuple[BenchResult, list, bool]:
    """One measured run; returns its result, the per-layer counters (if asked for) and
    whether ``cfg.stop`` cut it short (the result then covers the frames measured so far).
    ``--frames`` counts results: only a source read unpaced (nothing dropped) is cut at
    that many frames, a paced one may drop some."""
    source = open_source(cfg.source, fps=cfg.fps)
    settings = RingSettings(hint, nireq, cfg.perf_counters, sync=(api == "sync"))
    pipe = Pipeline(source, cfg.model, device, precision, paced=cfg.paced, loop=cfg.loop,
                    max_frames=0 if cfg.paced else cfg.frames, settings=settings,
                    backend=cfg.backend, cache_dir=cfg.cache_dir)
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
        while not (interrupted := cfg.stop.is_set()):
            batch = pipe.take(0.2)
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
            if cfg.seconds is not None and now - t_start >= cfg.seconds:
                break
            if cfg.progress and now >= next_tick:
                next_tick += 1.0
                print(f"\r  {device} {precision} {hint} {api}: {now - t_start:4.0f} s, "
                      f"{len(infer)} frames", end="", file=sys.stderr, flush=True)
        if cfg.perf_counters:
            pipe.engine.drain()
            counters = pipe.engine.perf_counts()
        served = pipe.recognizer
        dropped = pipe.capture.dropped - dropped0
        cpu_s = cpu_last - cpu_start if infer else float("nan")
    if cfg.progress:
        print("\r" + " " * 70 + "\r", end="", file=sys.stderr)
    duration = (t_last - t_start) * 1000
    inf, lat = LatencyStats.of(infer), LatencyStats.of(e2e)
    return BenchResult(
        device=served.device, precision=served.precision, hint=hint, api=api,
        nireq=served.nireq,
        source=source.name, count=len(infer), duration_ms=round(duration, 1),
        throughput_fps=round(len(infer) / duration * 1000, 2) if duration > 0 else 0.0,
        latency_median_ms=inf.median, latency_avg_ms=inf.mean, latency_min_ms=inf.min,
        latency_max_ms=inf.max, latency_p95_ms=inf.p95, e2e_median_ms=lat.median,
        e2e_p95_ms=lat.p95, e2e_max_ms=lat.max, dropped_frames=dropped,
        first_inference_ms=first_ms, compile_ms=round(served.compile_ms, 1),
        cpu_percent=round(100 * cpu_s / (duration / 1000), 1) if duration > 0 else float("nan"),
        palm_share=palm / len(infer) if staged and infer else float("nan"),
        hands_share=hands / len(infer) if staged and infer else float("nan"),
        palm_share_hand=palm_and_hand / hands if staged and hands else float("nan"),
    ), counters, interrupted


def run(cfg: BenchConfig, json_path: Path | None = None) -> list[BenchResult]:
    """Every combination in turn, then the table and the JSON (written whole, beside the
    file then renamed). ``cfg.stop`` ends the runs: the rows measured so far, the cut one
    included when it measured anything, are printed and written all the same."""
    results: list[BenchResult] = []
    combos = itertools.product(cfg.devices, cfg.precisions, cfg.hints, cfg.nireqs, cfg.apis)
    for device, precision, hint, nireq, api in combos:
        if cfg.stop.is_set():
            break
        result, counters, interrupted = run_one(cfg, device, precision, hint, nireq, api)
        if result.count or not interrupted:
            results.append(result)
        if counters:
            print_counters(counters)
    if results:
        print_table(results)
    if json_path is not None and results:
        rows = [{k: None if isinstance(v, float) and math.isnan(v) else v
                 for k, v in asdict(r).items()} for r in results]  # JSON has no NaN
        try:
            write_text(json_path, json.dumps(rows, indent=2) + "\n")
        except OSError as exc:
            raise RpsError(f"cannot write {json_path}: {exc.strerror or exc}") from None
        print(f"wrote {json_path}")
    return results


def _cell(value: float, width: int, fmt: str) -> str:
    """A number, or '-' where there is none (NaN: no frames, or not the hand recognizer)."""
    return f"{'-':>{width}}" if math.isnan(value) else f"{value:>{width}{fmt}}"


def print_table(results: list[BenchResult]) -> None:
    w = max([16, *(len(r.device) + 2 for r in results)])  # remote:HOST:PORT is long
    head = (f"{'device':<{w}}{'prec':<6}{'hint':<12}{'api':<6}{'nireq':>5}{'count':>7}"
            f"{'fps':>9}{'inf med':>9}{'inf p95':>9}{'e2e med':>9}{'e2e p95':>9}"
            f"{'dropped':>8}{'first':>8}{'compile':>9}{'cpu %':>7}{'palm %':>7}{'hand %':>7}")
    print(head)
    for r in results:
        hint = r.hint.replace("CUMULATIVE_THROUGHPUT", "CUMULATIVE")
        print(f"{r.device:<{w}}{r.precision:<6}{hint:<12}{r.api:<6}{r.nireq:>5}{r.count:>7}"
              f"{r.throughput_fps:>9.1f}" + "".join(_cell(v, 9, ".2f") for v in (
                  r.latency_median_ms, r.latency_p95_ms, r.e2e_median_ms, r.e2e_p95_ms))
              + f"{r.dropped_frames:>8}" + _cell(r.first_inference_ms, 8, ".2f")
              + f"{r.compile_ms:>9.1f}" + _cell(r.cpu_percent, 7, ".0f")
              + _cell(100 * r.palm_share, 7, ".0f") + _cell(100 * r.palm_share_hand, 7, ".0f"))
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
