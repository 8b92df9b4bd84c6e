"""The `rps` command. Each subcommand imports only what it needs, so `rps play` and
`rps bench` never load TensorFlow."""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from rps.errors import RpsError, check_output, check_writable, describe
from rps.inference.modelfiles import SHARED

PRECISION_CHOICES = ("FP32", "FP16", "INT8")
HINT_CHOICES = ("LATENCY", "THROUGHPUT", "CUMULATIVE_THROUGHPUT")


def cache_dir(args: argparse.Namespace) -> Path | None:
    """OpenVINO's model cache in the user cache folder (RPS_CACHE_DIR overrides)."""
    if getattr(args, "no_cache", False):
        return None
    from rps.inference.core import usable_cache_dir  # checked once, so warned once

    env = os.environ.get("RPS_CACHE_DIR")
    if env:
        return usable_cache_dir(Path(env))
    import platformdirs

    return usable_cache_dir(Path(platformdirs.user_cache_dir("rps")) / "ov-cache")


def _upper(text: str) -> str:
    return text.upper()


def _number(kind: type, low: float, high: float | None = None, above: bool = False
            ) -> Callable[[str], float]:
    """An argparse type for a ``kind`` number >= ``low`` (> with ``above``), <= ``high``:
    a value out of range is argparse's one-line usage error and exit 2, before any work."""
    want = f"> {low}" if above else f">= {low}" if high is None else f"{low}..{high}"

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        bad = value <= low if above else value < low
        if not math.isfinite(value) or bad or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{text} is out of range (must be {want})")
        return value

    return parse


POSITIVE = _number(float, 0, above=True)
NON_NEG = _number(float, 0)
COUNT = _number(int, 0)
POS_INT = _number(int, 1)
NIREQ = _number(int, 0, 64)


def _out_path(folder: bool) -> Callable[[str], Path]:
    """An argparse type for an output folder / file, checked writable before work starts."""
    def parse(text: str) -> Path:
        try:
            return check_output(Path(text).expanduser(), folder)
        except RpsError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


OUT_DIR = _out_path(folder=True)
OUT_FILE = _out_path(folder=False)


def _add_model_args(p: argparse.ArgumentParser, multi: bool) -> None:
    nargs = "+" if multi else None
    p.add_argument("--model", help="model folder or model.xml (default: models/rps-mobilenet)")
    p.add_argument("--device", "-d", nargs=nargs, default=["CPU"] if multi else "CPU",
                   type=_upper, help="inference device(s): CPU, GPU, NPU, AUTO, MULTI:..., "
                   "HETERO:... (see `rps devices`)")
    p.add_argument("--precision", "-p", nargs=nargs, default=["FP32"] if multi else "FP32",
                   type=_upper, choices=PRECISION_CHOICES)
    p.add_argument("--no-cache", action="store_true", help="do not use OpenVINO's model cache")


def _add_source_args(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument("--source", "-s", default=default,
                   help="camera index, video file, image folder, 'demo' or 'synthetic[:WxH]' "
                   f"(default: {'camera 0, else the demo clip' if default == 'auto' else default})")
    p.add_argument("--demo", action="store_true", help="use the bundled demo clip")
    p.add_argument("--fps", type=POSITIVE, help="pace files / images / synthetic at this rate")
    p.add_argument("--max", action="store_true",
                   help="read files as fast as the engine takes them instead of paced")


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line like every other error (``--help`` still shows usage);
    subcommand parsers are made of this class too."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rps", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("devices", help="list inference devices")

    bench = sub.add_parser("bench", help="headless frame-rate test of capture -> engine")
    _add_source_args(bench, "demo")
    _add_model_args(bench, multi=True)
    bench.add_argument("--seconds", type=POSITIVE, default=10.0, help="measure this long")
    bench.add_argument("--frames", type=COUNT, default=0, help="or stop after this many frames")
    bench.add_argument("--hint", nargs="+", default=["LATENCY"], type=_upper,
                       choices=HINT_CHOICES)
    bench.add_argument("--nireq", nargs="+", type=NIREQ, default=[0],
                       help="infer requests in the ring, 0..64 (0: the device's optimal number)")
    bench.add_argument("--api", nargs="+", default=["async"], choices=("sync", "async"))
    bench.add_argument("--no-loop", action="store_true", help="stop at the end of a file")
    bench.add_argument("--json", type=OUT_FILE, help="write results here as JSON")
    bench.add_argument("--pc", action="store_true", help="print per-layer performance counters")
    bench.add_argument("--quiet", action="store_true", help="no progress line")

    play = sub.add_parser("play", help="play rock-paper-scissors against the computer")
    _add_source_args(play, "auto")
    _add_model_args(play, multi=False)
    play.add_argument("--first-to", type=POS_INT, default=3, help="wins needed to take a match")
    play.add_argument("--frames", type=COUNT, default=0, help="quit after this many frames")
    play.add_argument("--fullscreen", action="store_true")
    play.add_argument("--mute", action="store_true")
    play.add_argument("--keys", help="press keys at given frames, e.g. 30:space,90:s "
                      "(scripted demos and tests)")
    shared = SHARED / "data" / "rps-cgi"
    train = sub.add_parser("train", help="train the gesture model (needs the train extra)")
    train.add_argument("--data", type=Path, default=shared, help="class folders of images")
    train.add_argument("--out", type=OUT_DIR, default=Path("runs/train"))
    train.add_argument("--weights", help="backbone weights .h5 (default: ../shared/weights, "
                       "else Keras' imagenet download); 'none' for random initialisation")
    train.add_argument("--head-epochs", type=COUNT, default=3)
    train.add_argument("--epochs", type=COUNT, default=24, help="fine-tuning epochs")
    train.add_argument("--batch", type=POS_INT, default=32)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--limit", type=COUNT, default=0, help="images per class (quick runs)")
    train.add_argument("--use-val", action="store_true",
                       help="train on the validation groups too (for the final model; the "
                       "test groups stay held out)")

    conv = sub.add_parser("convert", help="Keras / SavedModel / Teachable Machine -> IR")
    conv.add_argument("source", type=Path, help=".keras/.h5 file, SavedModel folder, a "
                      "`rps train` output or a Teachable Machine export folder")
    conv.add_argument("--out", type=OUT_DIR, required=True, help="models/<name>")
    conv.add_argument("--labels", type=Path, help="labels.txt (default: beside the source)")
    conv.add_argument("--precision", nargs="+", type=_upper, choices=PRECISION_CHOICES,
                      default=list(PRECISION_CHOICES))
    conv.add_argument("--calib", type=Path, help="class folders for INT8 calibration")
    conv.add_argument("--calib-size", type=POS_INT, default=300)
    conv.add_argument("--accuracy-control", action="store_true",
                      help="INT8 with NNCF accuracy control (max 1 point drop)")
    conv.add_argument("--credit", help="data credit to record in the metadata")

    ev = sub.add_parser("eval", help="accuracy and speed: Keras vs each IR precision")
    ev.add_argument("--data", type=Path, default=shared)
    ev.add_argument("--model", type=Path, help="IR model folder (default: shipped model)")
    ev.add_argument("--keras", type=Path, help="the Keras model to compare against")
    ev.add_argument("--runs", type=POS_INT, default=10, help="timed passes over the set")
    ev.add_argument("--backgrounds", choices=("plain", "unseen"), default="plain")
    ev.add_argument("--limit", type=COUNT, default=0, help="images per class (quick runs)")
    ev.add_argument("--device", "-d", default="CPU", type=_upper)
    ev.add_argument("--out", type=OUT_DIR, default=Path("runs/eval"))
    col = sub.add_parser("collect", help="record your own gestures, one folder per class")
    _add_source_args(col, "auto")
    col.add_argument("--out", type=OUT_DIR, help="recording folder (default: user data folder)")
    col.add_argument("--per-class", type=POS_INT, default=30)
    col.add_argument("--rate", type=POSITIVE, default=5.0, help="frames per second to keep")
    col.add_argument("--countdown", type=NON_NEG, default=3.0, help="seconds before each class")
    col.add_argument("--clear", action="store_true", help="delete the recording and exit")

    per = sub.add_parser("personalize", help="refit the model's head on your recording "
                         "(no TensorFlow needed)")
    per.add_argument("--data", type=Path, help="recording (default: the user data folder)")
    per.add_argument("--model", type=Path, help="model to start from (default: shipped)")
    per.add_argument("--out", type=OUT_DIR, help="default: the user models folder")
    per.add_argument("--l2", type=NON_NEG, default=1e-3, help="pull towards the shipped head")
    return parser


def cmd_collect(args: argparse.Namespace) -> int:
    from rps.modeltools.collect import Recorder, collect

    recorder = Recorder(args.out)
    if args.clear:
        recorder.clear()
        print(f"cleared {recorder.root}")
        return 0
    from rps.capture import pick_source

    check_writable(recorder.root)  # before the "no camera" note, so one line says it
    source, _ = pick_source(args.source, args.demo, args.fps)
    counts = collect(source, recorder, args.per_class, args.rate, args.countdown)
    print(f"{recorder.root}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


def cmd_personalize(args: argparse.Namespace) -> int:
    from rps.modeltools.collect import default_recordings, personal_models
    from rps.modeltools.personalize import personalize

    personalize(args.data or default_recordings(), args.model, args.out or personal_models(),
                l2=args.l2)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from rps.modeltools.train import TrainConfig, train

    train(TrainConfig(data=args.data, out=args.out, weights=args.weights,
                      head_epochs=args.head_epochs, epochs=args.epochs, batch=args.batch,
                      seed=args.seed, limit=args.limit, use_val=args.use_val))
    return 0


def cmd_convert(args: argparse.Namespace) -> int:
    from rps.modeltools.convert import convert

    convert(args.source, args.out, labels=args.labels, precisions=tuple(args.precision),
            calib=args.calib, accuracy_control=args.accuracy_control, credit=args.credit,
            calib_size=args.calib_size)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from rps.modeltools.evaluate import evaluate

    evaluate(args.data, args.model, args.keras, args.out, runs=args.runs,
             backgrounds=args.backgrounds, limit=args.limit, device=args.device)
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    import openvino as ov

    from rps.inference.devices import list_devices

    core = ov.Core()
    for d in list_devices(core):
        print(f"{d.name:<20}{d.full_name}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from rps.bench import BenchConfig, run
    from rps.recognizers import load_recognizer

    cfg = BenchConfig(
        source="demo" if args.demo else args.source, model=load_recognizer("cnn", args.model),
        devices=args.device, precisions=args.precision, hints=args.hint, nireqs=args.nireq,
        apis=args.api, seconds=args.seconds, frames=args.frames, paced=not args.max,
        loop=not args.no_loop, fps=args.fps, perf_counters=args.pc, cache_dir=cache_dir(args),
        progress=not args.quiet and sys.stderr.isatty(),
    )
    run(cfg, args.json)
    return 0


def cmd_play(args: argparse.Namespace) -> int:
    from rps.app.play import play

    return play(args, cache_dir(args))


COMMANDS = {"devices": cmd_devices, "bench": cmd_bench, "play": cmd_play, "train": cmd_train,
            "convert": cmd_convert, "eval": cmd_eval, "collect": cmd_collect,
            "personalize": cmd_personalize}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except RpsError as exc:
        print(f"rps {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a user's file or folder (it has a name); others are bugs to see
        if exc.filename is None:
            raise
        print(f"rps {args.command}: error: {describe(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"rps {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
