"""Regenerate the README's pictures from the real game window on a virtual X screen (Xvfb),
hand recognizer on the demo clip, skeleton drawn:

- assets/round.gif: the start screen, Space, the countdown, "Shoot!" and the reveal, at
  least 960 pixels wide so the HUD and the cards can be read;
- assets/start.png: the start screen with the camera preview;
- assets/screenshot.png: "Shoot!" with the hand being read.

Needs Debian's xvfb:  apt-get install xvfb
    python scripts/record_round.py [--players 1|2] [--width 960] [--fps 8]
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
ASSETS = ROOT / "assets"
START_SECONDS = 2.0  # of the start screen before Space, in the GIF


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gif", type=Path, default=ASSETS / "round.gif")
    ap.add_argument("--start", type=Path, default=ASSETS / "start.png")
    ap.add_argument("--still", type=Path, default=ASSETS / "screenshot.png")
    ap.add_argument("--players", type=int, choices=(1, 2), default=1)
    ap.add_argument("--width", type=int, default=960, help="GIF width in pixels")
    ap.add_argument("--fps", type=float, default=8.0, help="GIF frames per second")
    ap.add_argument("--colours", type=int, default=96, help="GIF palette size")
    ap.add_argument("--display", default=":99")
    args = ap.parse_args()
    xvfb = subprocess.Popen(["Xvfb", args.display, "-screen", "0", "1280x720x24"],
                            stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        os.environ.update(DISPLAY=args.display, SDL_VIDEODRIVER="x11", SDL_AUDIODRIVER="dummy",
                          RPS_DATA_DIR=tempfile.mkdtemp(prefix="rps-shot-"))
        for _ in range(4):  # a draw shows no win / lose animation: record again
            frames, result = record(args)
            if result != "draw":
                break
    finally:
        xvfb.terminate()
    save_gif(frames, args.gif, args.width, 1000 / args.fps, args.colours)
    return 0


def record(args: argparse.Namespace) -> tuple[list, str]:
    """Open on the start screen; once a hand is on its preview, save the start still, keep
    START_SECONDS of it, press Space and keep frames until the reveal ends (PIL images, one
    every 1 / fps seconds of real time); the Shoot still while the throw is read. Returns
    the frames and the round's result."""
    import pygame
    from PIL import Image

    from rps.app.window import App
    from rps.capture import open_source
    from rps.game import State
    from rps.pipeline import Pipeline
    from rps.recognizers import load_recognizer

    model = load_recognizer("hand", max_hands=args.players)
    frames: list = []
    t_start = pressed = shot = None
    kept_at = float("-inf")
    with Pipeline(open_source("demo"), model, precision=model.default_precision,
                  loop=True) as pipe:
        app = App(pipe, size=(1280, 720), players=args.players)
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < 120:  # up to 2 minutes of the demo clip
            app.step()
            now, hand = time.perf_counter(), app.last is not None and bool(app.last.hands)
            if t_start is None and hand and now - t0 > 2.0:  # a hand on the preview
                pygame.image.save(app.screen, str(args.start))
                print(f"wrote {args.start}")
                t_start = now
            elif t_start is not None and pressed is None and now - t_start >= START_SECONDS:
                app.key(pygame.K_SPACE)
                pressed = now
            if t_start is not None and now - kept_at >= 1 / args.fps:
                raw = pygame.image.tobytes(app.screen, "RGB")
                frames.append(Image.frombytes("RGB", app.screen.get_size(), raw))
                kept_at = now
            state = app.game.state
            if state == State.SHOOT and shot is None and hand:
                pygame.image.save(app.screen, str(args.still))
                shot = app.game.message
                print(f"wrote {args.still}")
            if pressed is not None and app.game.rounds and state == State.IDLE:
                break
        app.close()
    if shot is None or not app.game.rounds:
        raise SystemExit("no round was played on the demo clip in 2 minutes")
    return frames, str(app.game.rounds[-1].result)


def save_gif(frames: list, out: Path, width: int, ms: float, colours: int) -> None:
    """Scaled to ``width``, every frame on one shared palette (taken from a few frames of
    each part, plus the game's own colours so the yellow stays yellow) so unchanged pixels
    stay the same index and GIF's frame differencing works: a few MB for a round."""
    from PIL import Image

    from rps.app import hud

    h = round(frames[0].height * width / frames[0].width)
    small = [f.resize((width, h), Image.LANCZOS) for f in frames]
    picks = small[:: max(1, len(small) // 6)]
    ui = [hud.WHITE, hud.GREY, hud.DARK, hud.ACCENT, hud.GOOD, hud.BAD,
          *hud.CLASS_COLOURS.values()]
    band = h // 4  # each game colour as a solid block: median cut gives each its own entry
    sheet = Image.new("RGB", (width, h * len(picks) + band))
    for i, f in enumerate(picks):
        sheet.paste(f, (0, i * h))
    for i, c in enumerate(ui):
        x = i * width // len(ui)
        sheet.paste(c, (x, h * len(picks), x + width // len(ui), h * len(picks) + band))
    palette = sheet.quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
    quant = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in small]
    quant[0].save(out, save_all=True, append_images=quant[1:], duration=round(ms), loop=0,
                  optimize=True)
    print(f"wrote {out}: {len(quant)} frames of {width} x {h}, "
          f"{out.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    sys.exit(main())
