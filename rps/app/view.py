"""One display frame of the window: the camera, what the recognizer sees, the game and the
overlays, drawn from the App's state. Holds only what drawing needs: fonts, the scaled
camera frame (the camera is slower than 60 fps) and the on/off switches."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pygame

from rps.app import hud, overlay
from rps.game import State
from rps.types import Frame

if TYPE_CHECKING:
    from rps.app.window import App


class View:
    def __init__(self, screen: pygame.Surface):
        self.fonts = hud.Fonts(screen.get_height())
        self.show_hud = True
        self.show_help = False
        self.show_skeleton = True
        self.stages = overlay.StageWindow()
        self._frame_key: tuple[int, tuple[int, int]] = (-1, (0, 0))  # seq, window size
        self._frame_surf: pygame.Surface | None = None

    def resized(self, screen: pygame.Surface) -> None:
        self.fonts = hud.Fonts(screen.get_height())

    def camera(self, screen: pygame.Surface, frame: Frame | None) -> pygame.Rect | None:
        """The mirrored camera frame, letterboxed; its rectangle on screen."""
        if frame is None:
            return None
        rect = hud.letterbox((frame.image.shape[1], frame.image.shape[0]), screen.get_size())
        if (frame.seq, rect.size) != self._frame_key:
            self._frame_key = (frame.seq, rect.size)
            self._frame_surf = pygame.transform.smoothscale(
                hud.frame_surface(frame.image), rect.size)
        screen.blit(self._frame_surf, rect.topleft)
        return rect

    def draw(self, app: App) -> None:
        screen, fonts, g, last = app.screen, self.fonts, app.game, app.last
        screen.fill(hud.DARK)
        frame = app.pipe.latest
        rect = self.camera(screen, frame)
        if rect is not None and frame is not None:
            if app.players == 2:
                overlay.split_line(screen, fonts, rect)
            if self.show_skeleton and last is not None and last.hands:
                overlay.skeleton(screen, fonts, last.hands, last.labels, frame.image.shape[1],
                                 rect)
        if self.show_hud:
            hud.hud(screen, fonts, app.pipe.metrics.snapshot(), app.device_label(),
                    app.precision, app.pipe.engine.model.name, last,  # type: ignore[union-attr]
                    app.opponent_name, tuple(self.stages.lines()))
        hud.score_bar(screen, fonts, *app.score_sides(), g.first_to)
        t = app.teacher.session
        if t is not None and t.step is not None:
            hud.teach_overlay(screen, fonts, t.step.prompt, t.seconds_left, t.progress,
                              f"{t.step.label}: {t.taken}/{t.step.frames}", t.hint)
        elif g.state in (State.COUNTDOWN, State.SHOOT):
            hud.countdown(screen, fonts, g.countdown_word, g.countdown_number)
        elif g.state in (State.REVEAL, State.MATCH_OVER) and g.rounds:
            hud.reveal(screen, fonts, *app.reveal_cards())
        hud.message(screen, fonts, app.message())
        now = time.perf_counter()
        live = [s for t, s in app.toasts if t > now]
        for i, s in enumerate(reversed(live)):
            hud.message(screen, fonts, s, 100 + i * 50, hud.ACCENT)
        if self.show_help:
            hud.help_overlay(screen, fonts)
        pygame.display.flip()
