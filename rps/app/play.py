"""`rps play`: check for a display, open the source and the pipeline, run the window."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pygame

from rps.app.window import NO_DISPLAY, App
from rps.capture import pick_source
from rps.errors import RpsError
from rps.inference.backend import Backend, open_backend
from rps.pipeline import Pipeline
from rps.recognizers import load_recognizer
from rps.types import RingSettings

HEADLESS_DRIVERS = ("offscreen", "dummy")  # SDL drivers that show nothing


def open_display() -> None:
    """Start SDL's video before any model work, and refuse a display nobody can see: a bad
    SDL_VIDEODRIVER, no display at all, or a stale DISPLAY from which SDL falls back to its
    offscreen driver without a word (the game would run forever with no window)."""
    wanted = os.environ.get("SDL_VIDEODRIVER", "")
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless and not wanted:
        raise RpsError(NO_DISPLAY)
    if sys.platform.startswith("linux") and not os.environ.get("XDG_RUNTIME_DIR"):
        # SDL's Wayland probe complains on stderr without one; a private empty one is quiet.
        runtime = tempfile.mkdtemp(prefix="rps-runtime-")
        atexit.register(shutil.rmtree, runtime, True)
        os.environ["XDG_RUNTIME_DIR"] = runtime
    try:
        pygame.display.init()
    except pygame.error as exc:
        raise RpsError(f"cannot open a window ({exc}); for a headless run use `rps bench`") \
            from None
    driver = pygame.display.get_driver()
    if driver in HEADLESS_DRIVERS and driver != wanted:
        pygame.display.quit()
        raise RpsError(f"no usable display (SDL fell back to its {driver} driver; is DISPLAY "
                       "stale?): for a headless run use `rps bench`")


@dataclass(frozen=True)
class PlayConfig:
    """What `rps play` was asked for (the CLI's arguments, checked, and nothing of argparse)."""

    recognizer: str | None = None  # a registry name; None: the default recognizer
    model: Path | None = None  # its model folder; None: the shipped one
    source: str = "auto"
    demo: bool = False
    fps: float | None = None
    device: str = "CPU"
    precision: str | None = None  # None: the recognizer's own default
    paced: bool = True
    players: int = 1
    autoplay: bool = False  # the demo clip starts rounds by itself, with no start screen
    first_to: int = 3
    fullscreen: bool = False
    mute: bool = False
    keys: str = ""  # FRAME:KEY,... pressed at those frames
    frames: int = 0  # quit after this many (0: never)
    cache_dir: Path | None = None
    backend: Backend | None = None  # None: OpenVINO on this machine and the remotes
    remotes: tuple[str, ...] = ()  # remote:HOST:PORT devices offered in the D cycle


def key_script(text: str) -> list[tuple[int, int]]:
    """``30:space,90:s`` -> [(30, K_SPACE), (90, K_s)]: keys pressed at those frames."""
    script = []
    for item in filter(None, text.split(",")):
        frame, _, name = item.partition(":")
        try:
            script.append((int(frame), pygame.key.key_code(name.strip())))
        except ValueError:
            raise RpsError(f"bad --keys item {item!r}: use FRAME:KEY, e.g. 30:space") from None
    return script


def play(cfg: PlayConfig) -> int:
    open_display()
    keys = key_script(cfg.keys)
    model = load_recognizer(cfg.recognizer, cfg.model, max_hands=cfg.players)
    source, note = pick_source(cfg.source, cfg.demo, cfg.fps)
    precision = cfg.precision or model.default_precision
    pipe = Pipeline(source, model, cfg.device, precision, paced=cfg.paced, loop=True,
                    settings=RingSettings("LATENCY"),
                    backend=cfg.backend or open_backend(cfg.cache_dir, cfg.remotes),
                    cache_dir=cfg.cache_dir)
    with pipe:
        app = App(pipe, first_to=cfg.first_to, fullscreen=cfg.fullscreen, muted=cfg.mute,
                  note=note, keys=keys, players=cfg.players,
                  autoplay=cfg.autoplay)
        try:
            app.run(cfg.frames)
        finally:
            app.close()
    problem = app.history.save()  # a last try for matches that could not be saved
    if app.history.pending:
        print(f"rps play: warning: {problem}", file=sys.stderr)
    elif app.matches_played:
        n = app.matches_played
        print(f"{n} match{'es' if n > 1 else ''} played; history in {app.history.path}")
    return 0
