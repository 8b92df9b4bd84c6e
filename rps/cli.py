"""The `rps` command. Each subcommand imports only what it needs, so `rps play` and
`rps bench` never load TensorFlow."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rps.errors import RpsError
from rps.inference.modelfiles import SHARED

PRECISION_CHOICES = ("FP32", "FP16", "INT8")
RECOGNIZER_CHOICES = ("hand", "cnn")
HINT_CHOICES = ("LATENCY", "THROUGHPUT", "CUMULATIVE_THROUGHPUT")


def cache_dir(args: argparse.Namespace) -> Path | None:
    """OpenVINO's model cache in the user cache folder (RPS_CACHE_DIR overrides)."""
    if getattr(args, "no_cache", False):
        return None
    env = os.environ.get("RPS_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("rps")) / "ov-cache"


def _upper(text: str) -> str:
    return text.upper()


def _add_model_args(p: argparse.ArgumentParser, multi: bool) -> None:
    nargs = "+" if multi else None
    p.add_argument("--recognizer", "-r", choices=RECOGNIZER_CHOICES, default="hand",
                   help="hand: MediaPipe hand landmarks + a gesture classifier (reads real "
                   "webcams best); cnn: the MobileNet classifier on the whole frame")
    p.add_argument("--model", help="the recognizer's model folder or model.xml (default: "
                   "models/rps-hand, or models/rps-mobilenet for cnn)")
    p.add_argument("--device", "-d", nargs=nargs, default=["CPU"] if multi else "CPU",
                   type=_upper, help="inference device(s): CPU, GPU, NPU, AUTO, MULTI:..., "
                   "HETERO:... (see `rps devices`)")
    p.add_argument("--precision", "-p", nargs=nargs, help="default: the recognizer's own "
                   "(hand: FP16, cnn: FP32)",
                   type=_upper, choices=PRECISION_CHOICES)
    p.add_argument("--no-cache", action="store_true", help="do not use OpenVINO's model cache")


def _add_source_args(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument("--source", "-s", default=default,
                   help="camera index, video file, image folder, 'demo' or 'synthetic[:WxH]' "
                   f"(default: {'camera 0, else the demo clip' if default == 'auto' else default})")
    p.add_argument("--demo", action="store_true", help="use the bundled demo clip")
    p.add_argument("--fps", type=float, help="pace files / images / synthetic at this rate")
    p.add_argument("--max", action="store_true",
                   help="read files as fast as the engine takes them instead of paced")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rps", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("devices", help="list inference devices")

    bench = sub.add_parser("bench", help="headless frame-rate test of capture -> engine")
    _add_source_args(bench, "demo")
    _add_model_args(bench, multi=True)
    bench.add_argument("--seconds", type=float, default=10.0, help="measure this long")
    bench.add_argument("--frames", type=int, default=0, help="or stop after this many frames")
    bench.add_argument("--hint", nargs="+", default=["LATENCY"], type=_upper,
                       choices=HINT_CHOICES)
    bench.add_argument("--nireq", nargs="+", type=int, default=[0],
                       help="infer requests in the ring (0: the device's optimal number)")
    bench.add_argument("--api", nargs="+", default=["async"], choices=("sync", "async"))
    bench.add_argument("--no-loop", action="store_true", help="stop at the end of a file")
    bench.add_argument("--json", type=Path, help="write results here as JSON")
    bench.add_argument("--pc", action="store_true", help="print per-layer performance counters")
    bench.add_argument("--quiet", action="store_true", help="no progress line")

    play = sub.add_parser("play", help="play rock-paper-scissors against the computer")
    _add_source_args(play, "auto")
    _add_model_args(play, multi=False)
    play.add_argument("--first-to", type=int, default=3, help="wins needed to take a match")
    play.add_argument("--frames", type=int, default=0, help="quit after this many frames")
    play.add_argument("--fullscreen", action="store_true")
    play.add_argument("--mute", action="store_true")
    shared = SHARED / "data" / "rps-cgi"
    train = sub.add_parser("train", help="train a gesture model (needs the train extra)")
    train.add_argument("--recognizer", "-r", choices=RECOGNIZER_CHOICES, default="cnn",
                       help="cnn: the MobileNet CNN (default); hand: the landmark classifier, "
                       "on the CGI renders and the real hands of --real")
    train.add_argument("--real", type=Path, default=SHARED / "data" / "rps-cv-real",
                       help="real hands on green (class folders), trained on beside the CGI "
                       "ones (default: ../shared/data/rps-cv-real when present)")
    train.add_argument("--no-real", action="store_true", help="train on the CGI hands only")
    train.add_argument("--data", type=Path, default=shared, help="class folders of images")
    train.add_argument("--out", type=Path, default=Path("runs/train"))
    train.add_argument("--weights", help="backbone weights .h5 (default: ../shared/weights, "
                       "else Keras' imagenet download); 'none' for random initialisation")
    train.add_argument("--head-epochs", type=int, default=3)
    train.add_argument("--epochs", type=int, default=24, help="fine-tuning epochs")
    train.add_argument("--batch", type=int, default=32)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--limit", type=int, default=0, help="images per class (quick runs)")
    train.add_argument("--use-val", action="store_true",
                       help="train on the validation groups too (for the final model; the "
                       "test groups stay held out)")

    conv = sub.add_parser("convert", help="Keras / SavedModel / Teachable Machine -> IR")
    conv.add_argument("source", type=Path, help=".keras/.h5 file, SavedModel folder, a "
                      "`rps train` output, a Teachable Machine export folder, or MediaPipe's "
                      "palm_detection / hand_landmark .tflite")
    conv.add_argument("--out", type=Path, required=True, help="models/<name>")
    conv.add_argument("--labels", type=Path, help="labels.txt (default: beside the source)")
    conv.add_argument("--precision", "-p", nargs="+", type=_upper, choices=PRECISION_CHOICES,
                      help="default: FP32 FP16 INT8; FP32 FP16 for .tflite")
    conv.add_argument("--calib", type=Path, help="class folders for INT8 calibration")
    conv.add_argument("--calib-size", type=int, default=300)
    conv.add_argument("--accuracy-control", action="store_true",
                      help="INT8 with NNCF accuracy control (max 1 point drop)")
    conv.add_argument("--credit", help="data credit to record in the metadata")

    ev = sub.add_parser("eval", help="read a labelled folder the way the game does (--data "
                        "DIR); or accuracy and speed of Keras vs each IR precision (--keras)")
    ev.add_argument("--data", type=Path, help="class folders of images; alone (no --keras / "
                    "--backgrounds) it is read through the game's recognizer")
    ev.add_argument("--recognizer", "-r", choices=RECOGNIZER_CHOICES, default="hand")
    ev.add_argument("--precision", "-p", type=_upper, choices=PRECISION_CHOICES,
                    help="default: the recognizer's own (hand: FP16, cnn: FP32)")
    ev.add_argument("--json", type=Path, help="--data: write accuracy, per_class, n, "
                    "confusion here")
    ev.add_argument("--model", type=Path, help="IR model folder (default: shipped model)")
    ev.add_argument("--keras", type=Path, help="the Keras model to compare against")
    ev.add_argument("--runs", type=int, default=10, help="timed passes over the set")
    ev.add_argument("--backgrounds", choices=("plain", "unseen"))
    ev.add_argument("--limit", type=int, default=0, help="images per class (quick runs)")
    ev.add_argument("--device", "-d", default="CPU", type=_upper)
    ev.add_argument("--out", type=Path, default=Path("runs/eval"))
    col = sub.add_parser("collect", help="record your own gestures, one folder per class")
    _add_source_args(col, "auto")
    col.add_argument("--out", type=Path, help="recording folder (default: user data folder)")
    col.add_argument("--per-class", type=int, default=30)
    col.add_argument("--rate", type=float, default=5.0, help="frames per second to keep")
    col.add_argument("--countdown", type=float, default=3.0, help="seconds before each class")
    col.add_argument("--clear", action="store_true", help="delete the recording and exit")

    per = sub.add_parser("personalize", help="refit the model's head on your recording "
                         "(no TensorFlow needed)")
    per.add_argument("--data", type=Path, help="recording (default: the user data folder)")
    per.add_argument("--model", type=Path, help="model to start from (default: shipped)")
    per.add_argument("--out", type=Path, help="default: the user models folder")
    per.add_argument("--l2", type=float, default=1e-3, help="pull towards the shipped head")
    return parser


def cmd_collect(args: argparse.Namespace) -> int:
    from rps.modeltools.collect import Recorder, collect

    recorder = Recorder(args.out)
    if args.clear:
        recorder.clear()
        print(f"cleared {recorder.root}")
        return 0
    from rps.capture import pick_source

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
    if args.recognizer == "hand":
        from rps.modeltools.train_hand import HandTrainConfig, train_hand

        real = None if args.no_real or not args.real.is_dir() else args.real
        train_hand(HandTrainConfig(args.data, real, args.out, seed=args.seed))
        return 0
    from rps.modeltools.train import TrainConfig, train

    train(TrainConfig(data=args.data, out=args.out, weights=args.weights,
                      head_epochs=args.head_epochs, epochs=args.epochs, batch=args.batch,
                      seed=args.seed, limit=args.limit, use_val=args.use_val,
                      real=None if args.no_real or not args.real.is_dir() else args.real))
    return 0


def cmd_convert(args: argparse.Namespace) -> int:
    if args.source.suffix == ".tflite":
        from rps.modeltools.convert_tflite import convert_tflite

        convert_tflite(args.source, args.out, tuple(args.precision or ("FP32", "FP16")),
                       args.calib, args.calib_size)
        return 0
    from rps.modeltools.convert import convert

    convert(args.source, args.out, labels=args.labels,
            precisions=tuple(args.precision or PRECISION_CHOICES),
            calib=args.calib, accuracy_control=args.accuracy_control, credit=args.credit,
            calib_size=args.calib_size)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    if args.data is not None and args.keras is None and args.backgrounds is None:
        from rps.modeltools.eval_folder import eval_folder

        eval_folder(args.data, args.recognizer, args.model, args.device, args.precision,
                    args.json, cache_dir(args))
        return 0
    from rps.modeltools.evaluate import evaluate

    evaluate(args.data or SHARED / "data" / "rps-cgi", args.model, args.keras, args.out,
             runs=args.runs, backgrounds=args.backgrounds or "plain", limit=args.limit,
             device=args.device)
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

    model = load_recognizer(args.recognizer, args.model)
    cfg = BenchConfig(
        source="demo" if args.demo else args.source, model=model,
        devices=args.device, precisions=args.precision or [model.default_precision],
        hints=args.hint, nireqs=args.nireq,
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
    except KeyboardInterrupt:
        print(f"rps {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
