"""Does the game window hold its frame rate while a device switch compiles, and while
teach mode refits the model?

Runs `rps play`'s App under SDL's dummy driver on the demo clip, with the hand recognizer
and its skeleton drawn (or `--recognizer cnn`): a baseline stretch with no switch, then the
same number of frames with a switch requested every second (cold cache, so each compile is
real work), then frames while teach mode records 4 x 30 frames, refits the personal model in
the background and hot-swaps it in. Prints the worst frame time and the frames over 50 ms
for each, side by side, and the recording beside an idle stretch of the same length (this
shared 2-core machine stalls a frame now and then in a minute of either). Target: no frame
over 50 ms during the switches and the refit.

    python benchmarks/display_during_switch.py [--frames 300] [--recognizer hand|cnn]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from rps.app.window import App
from rps.capture import open_source
from rps.game.history import History
from rps.pipeline import Pipeline
from rps.recognizers import load_recognizer


def stretch(app: App, frames: int, switch_every: float = 0.0) -> tuple[list[float], int]:
    targets = ["AUTO", "CPU", "MULTI:CPU", "HETERO:CPU"]
    app.frame_ms.clear()
    t_next, n = time.perf_counter() + switch_every, 0
    for _ in range(frames):
        if switch_every and time.perf_counter() >= t_next:
            app.switch(device=targets[n % len(targets)])
            n += 1
            t_next += switch_every
        app.step()
    return list(app.frame_ms)[1:], n


def retrain_stretch(app: App) -> tuple[list[float], list[float], float]:
    """Teach mode as a player runs it (no countdown, to keep the run short): record 30
    frames per class from the clip, refit in the background, swap the result in."""
    app.teacher.settings = {"per_class": 30, "rate": 15.0, "countdown": 0.0}
    app.frame_ms.clear()
    app.cmd_teach(0)
    while app.teacher.active:
        app.step()
    recording = list(app.frame_ms)[1:]
    app.frame_ms.clear()
    if app.teacher.offer:  # the clip's hand was missed too often: the CNN, as offered
        app.cmd_accept(0)
    t0 = time.perf_counter()
    while app.teacher.retraining:
        app.step()
    seconds = time.perf_counter() - t0
    for _ in range(30):  # and the swap to the personal model
        app.step()
    return recording, list(app.frame_ms), seconds


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--recognizer", choices=("hand", "cnn"), default="hand")
    ap.add_argument("--model", default=None)
    ap.add_argument("--frames", type=int, default=300)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="rps-ui-"))
    os.environ["RPS_DATA_DIR"] = str(tmp)
    model = load_recognizer(args.recognizer, args.model)
    pipe = Pipeline(open_source("demo"), model, precision=model.default_precision, loop=True,
                    cache_dir=tmp / "cold-cache")
    with pipe:
        app = App(pipe, history=History(tmp / "history.json"))
        base, _ = stretch(app, args.frames)
        during, switches = stretch(app, args.frames, switch_every=1.0)
        recording, retrain, seconds = retrain_stretch(app)
        served = app.pipe.engine.model.name
        idle, _ = stretch(app, len(recording) + 1)  # as long as the recording: a fair baseline
        app.close()
    print(f"{args.recognizer} recognizer, skeleton drawn: teach mode recorded 4 x 30 frames, "
          f"refit took {seconds:.2f} s while the window ran; now serving {served}")
    for name, ms in (("baseline", base), (f"{switches} switches", during),
                     ("refit+swap", retrain), ("idle (long)", idle), ("recording", recording)):
        print(f"{name:>12}: {len(ms)} frames, median {sorted(ms)[len(ms) // 2]:.1f} ms, "
              f"worst {max(ms):.1f} ms, over 50 ms: {sum(m > 50 for m in ms)}")
    ok = max(during) <= 50 and max(retrain) <= 50  # recording: compare with the long idle run
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
