"""`rps play`: the pygame front end. It maps keys to game commands, feeds predictions to
the game, and draws; the rules live in rps.game and the pixels in rps.app.hud."""

from __future__ import annotations

import os
import time
from collections import deque
from pathlib import Path

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame

from rps.app import hud, keys
from rps.app.sound import Sounds
from rps.app.teach_flow import TeachFlow
from rps.errors import RpsError
from rps.game import Game, State
from rps.game.history import History, user_data_dir
from rps.inference.devices import list_devices, short_name
from rps.modeltools.collect import Recorder
from rps.pipeline import Pipeline
from rps.types import Frame, Prediction

STALL_PAUSE = 1.0  # seconds without frames before a live camera counts as lost
SAVE_RETRY = 10.0  # seconds between tries to save match history that failed to save
NO_DISPLAY = "no display available: rps play needs a window; for a headless run use `rps bench`"


class App:
    """One window, one pipeline, one game. ``step()`` runs one display frame."""

    def __init__(self, pipeline: Pipeline, first_to: int = 3, history: History | None = None,
                 fullscreen: bool = False, muted: bool = False, size=(1280, 720), note: str = "",
                 recorder: Recorder | None = None, personal_dir: Path | None = None,
                 keys: list[tuple[int, int]] | None = None):
        self.pipe = pipeline
        engine = pipeline.engine
        assert engine is not None
        self.core = engine.core
        self.devices = [d.name for d in list_devices(self.core)]
        self.history = history or History()
        self.game = Game(time.perf_counter, first_to=first_to,
                         history=self.history.player_throws())
        self.toasts: deque[tuple[float, str]] = deque(maxlen=3)
        self.teacher = TeachFlow(pipeline, self.game, self.toast, recorder, personal_dir)
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
        self.frame_ms: deque[float] = deque(maxlen=10000)  # display frame times
        self._t_last = time.perf_counter()
        self._retry_at = 0.0  # when to try saving unsaved matches again
        self.matches_played = 0
        self.script = keys or []  # (frame, key code) presses, for scripted runs
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
        cmd = keys.command(key, char)
        if cmd is not None:
            name, arg = cmd
            getattr(self, f"cmd_{name}")(arg)

    # ---- commands (see keys.KEYMAP) --------------------------------------------------------
    def cmd_quit(self, _: int) -> None:
        self.running = False

    def cmd_start(self, _: int) -> None:
        self.game.start_round()

    def cmd_reset(self, _: int) -> None:
        self.game.reset()

    def cmd_opponent(self, _: int) -> None:
        self.toast(f"Opponent: {self.game.next_opponent()}")

    def cmd_device(self, _: int) -> None:
        self.switch(device=self._next(self.devices, self.device))

    def cmd_pick_device(self, i: int) -> None:
        if i < len(self.devices):
            self.switch(device=self.devices[i])

    def cmd_precision(self, _: int) -> None:
        variants = list(self.pipe.engine.model.variants)  # type: ignore[union-attr]
        self.switch(precision=self._next(variants, self.precision))

    def cmd_hud(self, _: int) -> None:
        self.show_hud = not self.show_hud

    def cmd_help(self, _: int) -> None:
        self.show_help = not self.show_help

    def cmd_fullscreen(self, _: int) -> None:
        self.fullscreen = not self.fullscreen
        self.screen = self._set_mode()
        self.fonts = hud.Fonts(self.screen.get_height())

    def cmd_mute(self, _: int) -> None:
        self.toast("Muted" if self.sounds.toggle_mute() else "Sound on")

    def cmd_screenshot(self, _: int) -> None:
        try:
            self.toast(f"Saved {self.screenshot().name}")
        except (OSError, pygame.error) as exc:  # a full or read-only disk: say so, play on
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.toast(f"Screenshot not saved to {user_data_dir() / 'screenshots'}: {why}", 5)

    def cmd_teach(self, _: int) -> None:
        self.teacher.toggle()

    def cmd_model(self, _: int) -> None:
        self.teacher.toggle_model()

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
        self.teacher.step()
        if not self.paused and not self.teacher.active:
            self.game.update()
        for cue in self.game.sounds:
            self.sounds.play(cue)
        self.game.sounds.clear()
        self._save_matches()
        self.draw()
        self.clock.tick(60)
        now = time.perf_counter()
        self.frame_ms.append((now - self._t_last) * 1000)
        self._t_last = now
        self.pipe.metrics.on_display(now)

    def _save_matches(self) -> None:
        """Finished matches go to the history. A failed save is a toast when a match ends
        (not each retry), is retried every few seconds, and the game goes on."""
        now, ended = time.perf_counter(), self.game.finished_matches
        if not ended and not (self.history.pending and now >= self._retry_at):
            return
        failing = bool(self.history.pending)
        self.matches_played += len(ended)
        for match in ended:
            self.history.queue({**match, "device": self.device, "precision": self.precision,
                                "model": self.pipe.engine.model.name})  # type: ignore[union-attr]
        problem = self.history.save()
        if problem and ended:
            self.toast(f"{problem} - kept, will retry" if self.history.pending else problem, 5)
        elif not problem and failing:
            self.toast("Match history saved")
        ended.clear()
        self._retry_at = now + SAVE_RETRY

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
                    self.pipe.engine.model.name, self.last,  # type: ignore[union-attr]
                    g.opponent.name)
        hud.score_bar(screen, fonts, g.score, g.first_to)
        t = self.teacher.session
        if t is not None and t.step is not None:
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
            for key in (k for f, k in self.script if f == n):
                char = chr(key) if key < 0x110000 and chr(key).isprintable() else ""
                pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, unicode=char,
                                                     mod=0))
            self.step()
            n += 1

    def close(self) -> None:
        pygame.quit()

