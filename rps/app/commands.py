"""What each key does in `rps play` (keys.KEYMAP names them): the App's commands, kept apart
from the loop and the drawing so each stays readable. A mixin that names what it uses of
the App (below), so it never imports the window."""

from __future__ import annotations

import io
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

import pygame

from rps.app.sound import Sounds
from rps.app.teach_flow import TeachFlow
from rps.app.view import View
from rps.game import Duel, Game
from rps.pipeline import Pipeline
from rps.userdata import screenshots
from rps.userdata.files import write_bytes


class Commands:
    """Mixed into App: ``cmd_<name>(arg)`` for each command of the key map."""

    pipe: Pipeline
    view: View
    teacher: TeachFlow
    sounds: Sounds
    solo: Game
    duel: Duel | None
    devices: list[str]
    screen: pygame.Surface
    fullscreen: bool
    running: bool
    frame_ms: deque[float]
    toast: Callable[..., None]
    _set_mode: Callable[[], pygame.Surface]

    @property
    def game(self) -> Game | Duel:
        """The game being played: the two-player one while that mode is on."""
        return self.duel if self.duel is not None else self.solo

    def cmd_quit(self, _: int) -> None:
        self.running = False

    on_start: bool

    def cmd_start(self, _: int) -> None:
        """Space: leave the start screen (or close help) and play a round."""
        if self.view.show_help:
            self.cmd_help(0)
        self.on_start = False
        self.game.start_round()

    def cmd_reset(self, _: int) -> None:
        self.game.reset()

    def cmd_opponent(self, _: int) -> None:
        self.toast(f"Opponent: {self.solo.next_opponent()}")

    def cmd_device(self, _: int) -> None:
        self.switch(device=self._next(self.devices, self.pipe.device))

    def cmd_pick_device(self, i: int) -> None:
        if i < len(self.devices):
            self.switch(device=self.devices[i])

    def cmd_precision(self, _: int) -> None:
        variants = list(self.pipe.model.variants)
        self.switch(precision=self._next(variants, self.pipe.precision))

    def cmd_hud(self, _: int) -> None:
        self.toast(f"HUD: {self.view.next_hud()}", 1.5)

    def cmd_help(self, _: int) -> None:
        """Help pauses the match: nothing is read or scored behind it."""
        self.view.show_help = not self.view.show_help
        for g in (self.solo, self.duel):
            if g is not None and self.view.show_help:
                g.pause()
            elif g is not None:
                g.resume()

    def cmd_skeleton(self, _: int) -> None:
        self.view.show_skeleton = not self.view.show_skeleton
        self.toast("Hand skeleton on" if self.view.show_skeleton else "Hand skeleton off")

    def cmd_players(self, _: int) -> None:
        """One player against the computer <-> two players on one webcam (two hands)."""
        model = self.pipe.model
        if self.duel is not None:
            self.duel = None
            self.pipe.switch(model=model.with_hands(1))
            self.toast("One player against the computer")
            return
        if not model.max_hands:
            self.toast(f"Two players need a recognizer that reads hands ({model.name} reads "
                       "the whole frame): see rps play --help", 5)
            return
        if self.teacher.active or self.teacher.retraining:
            self.toast("Finish teach mode first (T stops it)")
            return
        self.solo.cancel_round("")
        self.duel = Duel(time.perf_counter, first_to=self.solo.first_to)
        self.pipe.switch(model=model.with_hands(2))
        self.toast("Two players: player 1 on the left, player 2 on the right")

    def cmd_fullscreen(self, _: int) -> None:
        self.fullscreen = not self.fullscreen
        self.screen = self._set_mode()
        self.view.resized(self.screen)

    def cmd_mute(self, _: int) -> None:
        self.toast("Muted" if self.sounds.toggle_mute() else "Sound on")

    def cmd_screenshot(self, _: int) -> None:
        try:
            self.toast(f"Saved {self.screenshot().name}")
        except (OSError, pygame.error) as exc:  # a full or read-only disk: say so, play on
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.toast(f"Screenshot not saved to {screenshots()}: {why}", 5)

    def cmd_teach(self, _: int) -> None:
        if self.duel is not None:
            self.toast("Teach mode is for one player: N returns to one player")
            return
        self.teacher.toggle()

    def cmd_model(self, _: int) -> None:
        self.teacher.toggle_model()

    def cmd_accept(self, _: int) -> None:
        self.teacher.accept()

    @staticmethod
    def _next(items: list[str], current: str) -> str:
        return items[(items.index(current) + 1) % len(items)] if current in items else items[0]

    def switch(self, device: str | None = None, precision: str | None = None) -> None:
        """Compile in the background; the HUD changes when the new one serves."""
        self.toast(f"Switching to {device or self.pipe.device} "
                   f"{precision or self.pipe.precision}...")
        self.pipe.switch(device, precision)

    def screenshot(self) -> Path:
        """Encoded in memory, then written whole: a full disk leaves no empty file and no
        libpng message on stderr."""
        folder = screenshots()
        path = folder / f"rps-{time.strftime('%Y%m%d-%H%M%S')}-{len(self.frame_ms)}.png"
        png = io.BytesIO()
        pygame.image.save(self.screen, png, "shot.png")
        write_bytes(path, png.getvalue())
        return path
