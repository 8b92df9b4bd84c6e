"""`rps play`: the pygame front end. It maps keys to game commands, feeds predictions to
the game, and draws; the rules live in rps.game and the pixels in rps.hud."""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections import deque
from pathlib import Path

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame

from rps import hud
from rps.capture import pick_source
from rps.collect import Recorder, personal_models
from rps.devices import list_devices, short_name
from rps.errors import RpsError
from rps.game import Game, State
from rps.history import History, user_data_dir
from rps.modelfiles import ModelFiles, load_model_files
from rps.personalize import personalize
from rps.pipeline import Pipeline
from rps.sound import Sounds
from rps.teach import TeachSession
from rps.types import Frame, Prediction

STALL_PAUSE = 1.0  # seconds without frames before a live camera counts as lost
NO_DISPLAY = "no display available: rps play needs a window; for a headless run use `rps bench`"


def check_display() -> None:
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless and "SDL_VIDEODRIVER" not in os.environ:
        raise RpsError(NO_DISPLAY)


class App:
    """One window, one pipeline, one game. ``step()`` runs one display frame."""

    def __init__(self, pipeline: Pipeline, first_to: int = 3, history: History | None = None,
                 fullscreen: bool = False, muted: bool = False, size=(1280, 720), note: str = "",
                 recorder: Recorder | None = None, personal_dir: Path | None = None):
        self.pipe = pipeline
        self.shipped: ModelFiles = pipeline.files
        self.recorder = recorder or Recorder()
        self.personal_dir = personal_dir or personal_models()
        self.teach: TeachSession | None = None
        self.teach_settings = {"per_class": 30, "rate": 5.0, "countdown": 3.0}
        self._teach_seq = -1
        self._retrain: threading.Thread | None = None
        self._retrain_result: ModelFiles | RpsError | None = None
        engine = pipeline.engine
        assert engine is not None
        self.core = engine.core
        self.devices = [d.name for d in list_devices(self.core)]
        self.history = history or History()
        self.game = Game(time.perf_counter, first_to=first_to,
                         history=self.history.player_throws())
        pygame.display.init()
        pygame.font.init()
        self.fullscreen = fullscreen
        self.windowed_size = size
        try:
            self.screen = self._set_mode()
        except pygame.error:
            raise RpsError(NO_DISPLAY) from None
        pygame.display.set_caption("rps - rock paper scissors")
        self.fonts = hud.Fonts(self.screen.get_height())
        self.sounds = Sounds(muted)
        self.clock = pygame.time.Clock()
        self.show_hud = True
        self.show_help = False
        self.running = True
        self.paused = False
        self.last: Prediction | None = None
        self._frame_key: tuple[int, tuple[int, int]] = (-1, (0, 0))  # seq, window size
        self._frame_surf: pygame.Surface | None = None
        self._device_names: dict[str, str] = {}
        self.toasts: deque[tuple[float, str]] = deque(maxlen=3)
        self.frame_ms: deque[float] = deque(maxlen=10000)  # display frame times
        self._t_last = time.perf_counter()
        for s in (note, self.history.warning):
            if s:
                self.toast(s)

    # ---- window ----------------------------------------------------------------------------
    def _set_mode(self) -> pygame.Surface:
        if self.fullscreen:
            return pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        return pygame.display.set_mode(self.windowed_size, pygame.RESIZABLE)

    def toast(self, s: str, secs: float = 3.0) -> None:
        self.toasts.append((time.perf_counter() + secs, s))

    # ---- input -----------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.running = False
        elif event.type == pygame.VIDEORESIZE and not self.fullscreen:
            self.windowed_size = (max(320, event.w), max(240, event.h))
            self.screen = self._set_mode()
            self.fonts = hud.Fonts(self.screen.get_height())
        elif event.type == pygame.KEYDOWN:
            self.key(event.key, event.unicode)

    def key(self, key: int, char: str = "") -> None:
        g = self.game
        if key in (pygame.K_ESCAPE, pygame.K_q):
            self.running = False
        elif key == pygame.K_SPACE:
            g.start_round()
        elif key == pygame.K_r:
            g.reset()
        elif key == pygame.K_a:
            self.toast(f"Opponent: {g.next_opponent()}")
        elif key == pygame.K_d:
            self.switch(device=self._next(self.devices, self.device))
        elif pygame.K_1 <= key <= pygame.K_9:
            i = key - pygame.K_1
            if i < len(self.devices):
                self.switch(device=self.devices[i])
        elif key == pygame.K_p:
            variants = list(self.pipe.engine.files.variants)  # type: ignore[union-attr]
            self.switch(precision=self._next(variants, self.precision))
        elif key == pygame.K_h:
            self.show_hud = not self.show_hud
        elif key == pygame.K_F1 or char == "?":
            self.show_help = not self.show_help
        elif key == pygame.K_f:
            self.fullscreen = not self.fullscreen
            self.screen = self._set_mode()
            self.fonts = hud.Fonts(self.screen.get_height())
        elif key == pygame.K_m:
            self.toast("Muted" if self.sounds.toggle_mute() else "Sound on")
        elif key == pygame.K_s:
            self.toast(f"Saved {self.screenshot().name}")
        elif key == pygame.K_t:
            self.toggle_teach()
        elif key == pygame.K_o:
            self.toggle_model()

    @staticmethod
    def _next(items: list[str], current: str) -> str:
        return items[(items.index(current) + 1) % len(items)] if current in items else items[0]

    @property
    def device(self) -> str:
        return self.pipe.engine.ring.device  # type: ignore[union-attr]

    @property
    def precision(self) -> str:
        return self.pipe.engine.ring.precision  # type: ignore[union-attr]

    def _device_name(self) -> str:
        """The HUD label, asked of OpenVINO once per device rather than every frame."""
        if self.device not in self._device_names:
            self._device_names[self.device] = short_name(self.core, self.device)
        return self._device_names[self.device]

    def switch(self, device: str | None = None, precision: str | None = None) -> None:
        """Compile in the background; the HUD changes when the new one serves."""
        self.toast(f"Switching to {device or self.device} {precision or self.precision}...")
        self.pipe.switch(device, precision)

    # ---- teach your hand ------------------------------------------------------------------
    def toggle_teach(self) -> None:
        if self.teach is not None:
            self.teach.cancel()
            self.teach = None
            self.toast(f"Teach mode stopped; frames so far are kept in {self.recorder.root}")
            return
        if self._retrain is not None:
            self.toast("Still retraining - one moment")
            return
        self.game.cancel_round("Teach mode: follow the prompts (T stops)")
        self.teach = TeachSession(time.perf_counter, **self.teach_settings)

    def _teach_step(self) -> None:
        """Record a frame when the session says so; retrain when it is complete."""
        t, frame = self.teach, self.pipe.latest
        assert t is not None
        if frame is not None and frame.seq != self._teach_seq and t.due():
            self._teach_seq = frame.seq
            self.recorder.save(t.step.label, frame.image)  # type: ignore[union-attr]
            t.taken_one()
        if t.done:
            self.teach = None
            self.game.message = "Retraining on your frames..."
            self._retrain = threading.Thread(target=self._retrain_run, name="rps-retrain",
                                             daemon=True)
            self._retrain.start()

    def _retrain_run(self) -> None:
        try:
            personalize(self.recorder.root, self.shipped.root, self.personal_dir)
            self._retrain_result = load_model_files(self.personal_dir)
        except RpsError as exc:
            self._retrain_result = exc
        except Exception as exc:  # reported in the window, never a crash
            self._retrain_result = RpsError(f"retraining failed: {exc}")

    def _check_retrain(self) -> None:
        if self._retrain is None or self._retrain.is_alive():
            return
        self._retrain = None
        result, self._retrain_result = self._retrain_result, None
        if isinstance(result, ModelFiles):
            self.pipe.switch(files=result)
            self.game.message = "Your personal model is loading (O returns to the shipped one)"
        else:
            self.game.message = f"Retraining failed: {result}"

    def toggle_model(self) -> None:
        serving = self.pipe.engine.files  # type: ignore[union-attr]
        if serving.root != self.shipped.root:
            self.toast(f"Back to {self.shipped.name}...")
            self.pipe.switch(files=self.shipped)
            return
        try:
            personal = load_model_files(self.personal_dir)
        except RpsError:
            self.toast("No personal model yet: press T to teach it your hand")
            return
        self.toast(f"Switching to {personal.name}...")
        self.pipe.switch(files=personal)

    def screenshot(self) -> Path:
        folder = user_data_dir() / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"rps-{time.strftime('%Y%m%d-%H%M%S')}-{len(self.frame_ms)}.png"
        pygame.image.save(self.screen, str(path))
        return path

    # ---- one frame -------------------------------------------------------------------------
    def step(self) -> None:
        for event in pygame.event.get():
            self.handle(event)
        self.pipe.check()
        for p in self.pipe.poll():
            self.game.feed(p)
            self.last = p
        self._watch_camera()
        for e in self.pipe.engine.events():  # type: ignore[union-attr]
            if e.kind == "ready":
                self.pipe.metrics.reset()
                self.toast(f"Now on {e.device} {e.precision} ({e.message})")
                self.sounds.play("switch")
            else:
                self.toast(f"Switch failed: {e.message}; staying on {self.device}", 5)
        if self.teach is not None:
            self._teach_step()
        self._check_retrain()
        if not self.paused and self.teach is None:
            self.game.update()
        for cue in self.game.sounds:
            self.sounds.play(cue)
        self.game.sounds.clear()
        while self.game.finished_matches:
            match = self.game.finished_matches.pop(0)
            self.history.add({**match, "device": self.device, "precision": self.precision,
                              "model": self.pipe.engine.files.name})  # type: ignore[union-attr]
        self.draw()
        self.clock.tick(60)
        now = time.perf_counter()
        self.frame_ms.append((now - self._t_last) * 1000)
        self._t_last = now
        self.pipe.metrics.on_display(now)

    def _watch_camera(self) -> None:
        """A live camera that stops: pause with a message, resume when frames return."""
        if not self.pipe.capture.source.live:
            return
        stalled = self.pipe.capture.stalled_for() > STALL_PAUSE
        if stalled and not self.paused:
            self.paused = True
            self.game.cancel_round("Camera lost - waiting for it to come back...")
        elif not stalled and self.paused:
            self.paused = False
            self.game.message = "Camera back - press Space to play"

    def draw(self) -> None:
        screen, fonts, g = self.screen, self.fonts, self.game
        screen.fill(hud.DARK)
        frame: Frame | None = self.pipe.latest
        if frame is not None:
            rect = hud.letterbox((frame.image.shape[1], frame.image.shape[0]), screen.get_size())
            if (frame.seq, rect.size) != self._frame_key:  # the camera is slower than 60 fps
                self._frame_key = (frame.seq, rect.size)
                self._frame_surf = pygame.transform.smoothscale(
                    hud.frame_surface(frame.image), rect.size)
            screen.blit(self._frame_surf, rect.topleft)
        if self.show_hud:
            hud.hud(screen, fonts, self.pipe.metrics.snapshot(),
                    self._device_name(), self.precision,
                    self.pipe.engine.files.name, self.last,  # type: ignore[union-attr]
                    g.opponent.name)
        hud.score_bar(screen, fonts, g.score, g.first_to)
        if self.teach is not None and self.teach.step is not None:
            t = self.teach
            hud.teach_overlay(screen, fonts, t.step.prompt, t.seconds_left, t.progress,
                              f"{t.step.label}: {t.taken}/{t.step.frames}")
        elif g.state in (State.COUNTDOWN, State.SHOOT):
            hud.countdown(screen, fonts, g.countdown_word, g.countdown_number)
        elif g.state in (State.REVEAL, State.MATCH_OVER) and g.rounds:
            r = g.rounds[-1]
            hud.reveal(screen, fonts, r.player, r.computer, r.result)
        hud.message(screen, fonts, g.message)
        now = time.perf_counter()
        live = [s for t, s in self.toasts if t > now]
        for i, s in enumerate(reversed(live)):
            hud.message(screen, fonts, s, 100 + i * 50, hud.ACCENT)
        if self.show_help:
            hud.help_overlay(screen, fonts)
        pygame.display.flip()

    def run(self, max_frames: int = 0) -> None:
        n = 0
        while self.running and not (max_frames and n >= max_frames):
            self.step()
            n += 1

    def close(self) -> None:
        pygame.quit()


def play(args: argparse.Namespace, cache_dir: Path | None) -> int:
    check_display()
    files = load_model_files(args.model)
    source, note = pick_source(args.source, args.demo, args.fps)
    pipe = Pipeline(source, files, args.device, args.precision, paced=not args.max, loop=True,
                    hint="LATENCY", cache_dir=cache_dir)
    with pipe:
        app = App(pipe, first_to=args.first_to, fullscreen=args.fullscreen, muted=args.mute,
                  note=note)
        try:
            app.run(args.frames)
        finally:
            app.close()
    return 0
