"""Record a real round in the real game window on a virtual X screen (Xvfb), with the hand
recognizer's skeleton drawn: assets/round.gif (the countdown to the reveal) and
assets/screenshot.png ("Shoot!" with the hand being read, captured by the X server itself
with ImageMagick).

Needs Debian's xvfb and imagemagick:  apt-get install xvfb imagemagick
    python scripts/record_round.py [--players 1|2] [--gif assets/round.gif]
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
    ap.add_argument("--gif", type=Path, default=ROOT / "assets" / "round.gif")
    ap.add_argument("--still", type=Path, default=ROOT / "assets" / "screenshot.png")
    ap.add_argument("--players", type=int, choices=(1, 2), default=1)
    ap.add_argument("--width", type=int, default=560, help="GIF width in pixels")
    ap.add_argument("--every", type=int, default=6, help="keep one display frame in N")
    ap.add_argument("--display", default=":99")
    args = ap.parse_args()
    xvfb = subprocess.Popen(["Xvfb", args.display, "-screen", "0", "1280x720x24"],
                            stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        os.environ.update(DISPLAY=args.display, SDL_VIDEODRIVER="x11", SDL_AUDIODRIVER="dummy",
                          RPS_DATA_DIR=tempfile.mkdtemp(prefix="rps-shot-"))
        frames = record(args)
    finally:
        xvfb.terminate()
    save_gif(frames, args.gif, args.width, 1000 * args.every / 60)
    return 0


def record(args: argparse.Namespace) -> list:
    """Play on the demo clip until a round has been read; the frames from its countdown to
    the end of the reveal (as PIL images), and the still taken while the throw is read."""
    import pygame
    from PIL import Image

    from rps.app.window import App
    from rps.capture import open_source
    from rps.game import State
    from rps.pipeline import Pipeline
    from rps.recognizers import load_recognizer

    model = load_recognizer("hand", max_hands=args.players)
    frames, shot = [], False
    with Pipeline(open_source("demo"), model, precision=model.default_precision,
                  loop=True) as pipe:
        app = App(pipe, size=(1280, 720), players=args.players)
        for n in range(60 * 90):  # up to 90 s of play on the demo clip
            if app.game.state == State.IDLE and not app.game.rounds and n > 60 \
                    and app.last is not None and app.last.hands:
                app.game.start_round()  # as soon as a hand is in view
            app.step()
            state = app.game.state
            if state != State.IDLE and n % args.every == 0:
                raw = pygame.image.tobytes(app.screen, "RGB")
                frames.append(Image.frombytes("RGB", app.screen.get_size(), raw))
            if state == State.SHOOT and not shot and app.last is not None and app.last.hands:
                subprocess.run(["import", "-display", args.display, "-window", "root",
                                str(args.still)], check=True)
                shot = True
                print(f"wrote {args.still} ({app.game.message!r})")
            if app.game.rounds and state == State.IDLE:
                break
        app.close()
    if not shot:
        raise SystemExit("no hand was seen at \"Shoot!\" in 90 s of the demo clip")
    return frames


def save_gif(frames: list, out: Path, width: int, ms: float) -> None:
    """Smaller, and each frame on its own 192-colour palette: well under 3 MB."""
    from PIL import Image

    h = round(frames[0].height * width / frames[0].width)
    small = [f.resize((width, h), Image.LANCZOS) for f in frames]
    quant = [f.quantize(colors=192, method=Image.Quantize.MEDIANCUT) for f in small]
    quant[0].save(out, save_all=True, append_images=quant[1:], duration=round(ms), loop=0,
                  optimize=True)
    print(f"wrote {out}: {len(quant)} frames, {out.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    sys.exit(main())
