"""The `rps` command. Each subcommand imports only what it needs, so `rps play` and
`rps bench` never load TensorFlow; the arguments are in ``rps.cli.parser``.

May import: anything in rps (it is the entry point); nothing imports it but ``__main__``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rps.cli.parser import PRECISION_CHOICES, build_parser
from rps.errors import RpsError, check_writable, describe
from rps.inference.modelfiles import SHARED


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
    from rps.modeltools.collect import default_recordings, personal_hand_model, personal_models

    data = args.data or default_recordings()
    if args.recognizer == "hand":
        from rps.modeltools.refit_hand import personalize_hand

        personalize_hand(data, args.model, args.out or personal_hand_model(), l2=args.l2)
        return 0
    from rps.modeltools.personalize import personalize

    personalize(data, args.model, args.out or personal_models(), l2=args.l2)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    if args.recognizer == "hand":
        from rps.modeltools.train_hand import HandTrainConfig, train_hand

        real = None if args.no_real or not args.real.is_dir() else args.real
        more = args.more if args.more is not None else sorted(
            p for p in (SHARED / "data" / "real-more").glob("*") if p.is_dir())
        train_hand(HandTrainConfig(args.data, real, args.out, tuple(more), seed=args.seed))
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
                    args.json, cache_dir(args), stream=args.stream, limit=args.limit)
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
