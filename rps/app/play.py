"""`rps play`: check for a display, open the source and the pipeline, run the window."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rps.app.window import NO_DISPLAY, App
from rps.capture import pick_source
from rps.errors import RpsError
from rps.pipeline import Pipeline
from rps.recognizers import load_recognizer


def check_display() -> None:
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless and "SDL_VIDEODRIVER" not in os.environ:
        raise RpsError(NO_DISPLAY)


def play(args: argparse.Namespace, cache_dir: Path | None) -> int:
    check_display()
    model = load_recognizer(args.recognizer, args.model)
    source, note = pick_source(args.source, args.demo, args.fps)
    precision = args.precision or model.default_precision
    pipe = Pipeline(source, model, args.device, precision, paced=not args.max, loop=True,
                    hint="LATENCY", cache_dir=cache_dir)
    with pipe:
        app = App(pipe, first_to=args.first_to, fullscreen=args.fullscreen, muted=args.mute,
                  note=note)
        try:
            app.run(args.frames)
        finally:
            app.close()
    return 0
