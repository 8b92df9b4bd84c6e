"""Take assets/screenshot.png: the real game window on a virtual X screen (Xvfb),
captured by the X server itself (ImageMagick's `import`), mid-round on the demo clip.

Needs Debian's xvfb and imagemagick:  apt-get install xvfb imagemagick
    python scripts/take_screenshot.py [--state reveal|countdown] [--out assets/screenshot.png]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "assets" / "screenshot.png")
    ap.add_argument("--state", choices=("countdown", "reveal"), default="reveal")
    ap.add_argument("--display", default=":99")
    args = ap.parse_args()
    xvfb = subprocess.Popen(["Xvfb", args.display, "-screen", "0", "1280x720x24"],
                            stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        os.environ.update(DISPLAY=args.display, SDL_VIDEODRIVER="x11", SDL_AUDIODRIVER="dummy",
                          RPS_DATA_DIR=tempfile.mkdtemp(prefix="rps-shot-"))
        from rps.app.window import App
        from rps.capture import open_source
        from rps.game import State
        from rps.pipeline import Pipeline
        from rps.recognizers.cnn import load_cnn

        want = State.REVEAL if args.state == "reveal" else State.COUNTDOWN
        with Pipeline(open_source("demo"), load_cnn(None), loop=True) as pipe:
            app = App(pipe, size=(1280, 720))
            for _ in range(60 * 60):  # up to a minute of play on the demo clip
                app.step()
                shown = want == State.COUNTDOWN or bool(app.game.rounds)
                if app.game.state == want and shown:
                    for _ in range(20):  # let the reveal settle on screen
                        app.step()
                    subprocess.run(["import", "-display", args.display, "-window", "root",
                                    str(args.out)], check=True)
                    print(f"wrote {args.out} ({app.game.state.value}, {app.game.message!r})")
                    break
                if app.game.state == State.IDLE and not app.game.rounds:
                    app.game.start_round()
            app.close()
    finally:
        xvfb.terminate()
    return 0 if args.out.exists() else 1


if __name__ == "__main__":
    sys.exit(main())
