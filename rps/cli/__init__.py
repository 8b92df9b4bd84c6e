"""The `rps` command. Each subcommand imports only what it needs, so `rps play` and
`rps bench` never load TensorFlow; the arguments are in ``rps.cli.parser``.

May import: anything in rps (it is the entry point); nothing imports it but ``__main__``.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from rps.cli.parser import PRECISION_CHOICES, build_parser
from rps.errors import RpsError, check_writable, describe
from rps.inference.modelfiles import SHARED
from rps.recognizers import RECOGNIZERS
from rps.userdata.files import DISK_ERRNOS, clean_stale


def cache_dir(args: argparse.Namespace) -> Path | None:
    """OpenVINO's model cache (``rps.userdata.cache_dir``), unless --no-cache; checked once,
    so a cache that cannot be written is warned about once."""
    if getattr(args, "no_cache", False):
        return None
    from rps.userdata import cache_dir as user_cache
    from rps.userdata import usable_cache_dir

    return usable_cache_dir(user_cache())


def confirm(question: str, yes: bool) -> bool:
    """``--yes``, or the user's "y" on a terminal; with no terminal to ask on, RpsError."""
    if yes:
        return True
    if sys.stdin is None or not sys.stdin.isatty():
        raise RpsError(f"{question}: add --yes to confirm (no terminal to ask on)")
    print(f"{question}? [y/N] ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def cmd_collect(args: argparse.Namespace) -> int:
    from rps.modeltools.collect import Recorder, collect
    from rps.userdata import recording_folders

    recorder = Recorder(args.out)
    clean_stale(recording_folders(recorder.root))  # frames half-written by a killed run
    if args.clear:
        from rps.userdata.marks import clear_recording, recorded_frames

        frames = recorded_frames(recorder.root)
        if not frames:
            print(f"no recorded frames in {recorder.root}")
            return 0
        if not confirm(f"delete the {len(frames)} frames rps recorded in {recorder.root}",
                       args.yes):
            print("rps collect: nothing deleted", file=sys.stderr)
            return 1
        deleted, kept = clear_recording(recorder.root)
        print(f"cleared {recorder.root}: {deleted} frames deleted" +
              (f", {kept} other files kept" if kept else ""))
        return 0
    from rps.capture import pick_source

    check_writable(recorder.root)  # before the "no camera" note, so one line says it
    recorder.claim()  # a full disk, too
    source, _ = pick_source(args.source, args.demo, args.fps)
    counts = collect(source, recorder, args.per_class, args.rate, args.countdown)
    print(f"{recorder.root}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


def cmd_personalize(args: argparse.Namespace) -> int:
    from rps.modeltools.personal import personal_dir, personalize_folder
    from rps.userdata import recordings

    kind = args.recognizer or RECOGNIZERS.default
    out = args.out or personal_dir(kind)
    clean_stale([out.parent])  # what a killed run left beside --out
    personalize_folder(kind, args.data or recordings(), args.model, out, l2=args.l2)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from rps.modeltools.trainers import TRAINABLE, TrainRequest, train

    real = None if args.no_real or not args.real.is_dir() else args.real
    train(args.recognizer or TRAINABLE[0], TrainRequest(
        args.data, args.out, real, None if args.more is None else tuple(args.more),
        seed=args.seed, weights=args.weights, head_epochs=args.head_epochs, epochs=args.epochs,
        batch=args.batch, limit=args.limit, use_val=args.use_val))
    return 0


def cmd_convert(args: argparse.Namespace) -> int:
    from rps.userdata.marks import check_model_out

    check_model_out(args.out)
    clean_stale([args.out.parent])
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

        if args.json is not None:
            clean_stale([args.json.parent])
        eval_folder(args.data, args.recognizer, args.model, args.device, args.precision,
                    args.json, cache_dir(args), stream=args.stream, limit=args.limit)
        return 0
    from rps.modeltools.evaluate import evaluate

    evaluate(args.data or SHARED / "data" / "rps-cgi", args.model, args.keras, args.out,
             runs=args.runs, backgrounds=args.backgrounds or "plain", limit=args.limit,
             device=args.device)
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    """Local devices, then each --remote server: its name, or why it cannot be reached."""
    from rps.errors import DeviceError
    from rps.inference.backend import open_backend
    from rps.inference.served import parse_remote

    backend = open_backend(remotes=args.remote)
    devices = backend.devices()
    remotes = {parse_remote(r).device for r in args.remote}  # as listed: REMOTE:Host -> remote:host
    width = max([20, *(len(d.name) + 2 for d in devices)])
    for d in devices:
        note = ""
        if d.name in remotes:
            try:
                backend.validate(d.name)
            except DeviceError as exc:
                note = f" - unreachable: {exc}"
        print(f"{d.name:<{width}}{d.full_name}{note}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from rps.serve.main import ServeRequest, serve

    return serve(ServeRequest(args.device, tuple(args.precision), args.host, args.port,
                              args.rest_port, args.list, args.export, cache_dir(args)))


def cmd_bench(args: argparse.Namespace) -> int:
    """Under ``Stop`` from the start: Ctrl-C or SIGTERM at any point ends it cleanly, with
    the rows so far, and exit 130 / 143."""
    from rps.bench import BenchConfig, Stop, run
    from rps.recognizers import load_recognizer

    with Stop() as stop:
        model = load_recognizer(args.recognizer, args.model)
        if args.json is not None:
            clean_stale([args.json.parent])
        cfg = BenchConfig(
            source="demo" if args.demo else args.source, model=model,
            devices=args.device, precisions=args.precision or [model.default_precision],
            hints=args.hint, nireqs=args.nireq, apis=args.api,
            seconds=args.seconds if args.seconds is not None else None if args.frames else 10.0,
            frames=args.frames, paced=not args.max, loop=not args.no_loop, fps=args.fps,
            perf_counters=args.pc, cache_dir=cache_dir(args),
            progress=not args.quiet and sys.stderr.isatty(), stop=stop.event,
        )
        run(cfg, args.json)
    if stop.signum:
        said = "interrupted" if stop.signum == signal.SIGINT else "terminated"
        print(f"rps bench: {said}", file=sys.stderr)
        return 128 + stop.signum
    return 0


def cmd_play(args: argparse.Namespace) -> int:
    from rps.app.play import PlayConfig, play
    from rps.userdata import user_folders

    clean_stale(user_folders())
    return play(PlayConfig(
        args.recognizer, args.model, args.source, args.demo, args.fps, args.device,
        args.precision, paced=not args.max, players=args.players, first_to=args.first_to,
        fullscreen=args.fullscreen, mute=args.mute, keys=args.keys or "", frames=args.frames,
        cache_dir=cache_dir(args), autoplay=args.autoplay, remotes=tuple(args.remote)))


COMMANDS = {"devices": cmd_devices, "serve": cmd_serve, "bench": cmd_bench, "play": cmd_play,
            "train": cmd_train, "convert": cmd_convert, "eval": cmd_eval,
            "collect": cmd_collect, "personalize": cmd_personalize}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except RpsError as exc:
        print(f"rps {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `rps serve --list | head`: the reader had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no flush error
        return 0
    except OSError as exc:  # a user's file or folder, or the disk; others are bugs to see
        if exc.filename is None and exc.errno not in DISK_ERRNOS:
            raise
        print(f"rps {args.command}: error: {describe(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"rps {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
