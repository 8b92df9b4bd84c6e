"""One display frame of the window, drawn from a Scene: the camera, what the recognizer
sees, the game and the overlays. Holds only what drawing needs: the screen, fonts, the
scaled camera frame (the camera is slower than 60 fps) and the on/off switches."""

from __future__ import annotations

import pygame

from rps.app import hud, overlay
from rps.app.scene import Scene
from rps.types import Frame


class View:
    def __init__(self, screen: pygame.Surface):
        self.screen = screen
        self.fonts = hud.Fonts(screen.get_height())
        self.show_hud = True
        self.show_help = False
        self.show_skeleton = True
        self._frame_key: tuple[int, tuple[int, int]] = (-1, (0, 0))  # seq, window size
        self._frame_surf: pygame.Surface | None = None

    def resized(self, screen: pygame.Surface) -> None:
        self.screen = screen
        self.fonts = hud.Fonts(screen.get_height())

    def camera(self, frame: Frame | None) -> pygame.Rect | None:
        """The mirrored camera frame, letterboxed; its rectangle on screen."""
        if frame is None:
            return None
        rect = hud.letterbox((frame.image.shape[1], frame.image.shape[0]),
                             self.screen.get_size())
        if (frame.seq, rect.size) != self._frame_key:
            self._frame_key = (frame.seq, rect.size)
            self._frame_surf = pygame.transform.smoothscale(
                hud.frame_surface(frame.image), rect.size)
        self.screen.blit(self._frame_surf, rect.topleft)
        return rect

    def draw(self, scene: Scene) -> None:
        screen, fonts, last = self.screen, self.fonts, scene.last
        screen.fill(hud.DARK)
        rect = self.camera(scene.frame)
        if rect is not None and scene.frame is not None:
            if scene.two_players:
                overlay.split_line(screen, fonts, rect)
            if self.show_skeleton and last is not None and last.hands:
                overlay.skeleton(screen, fonts, last.hands, last.labels,
                                 scene.frame.image.shape[1], rect)
        if self.show_hud:
            hud.hud(screen, fonts, scene.metrics, scene.device, scene.precision, scene.model,
                    last, scene.opponent, scene.stage_lines)
        hud.score_bar(screen, fonts, *scene.score, scene.first_to)
        if scene.teach is not None:
            t = scene.teach
            hud.teach_overlay(screen, fonts, t.prompt, t.seconds_left, t.progress, t.count,
                              t.hint)
        elif scene.countdown is not None:
            hud.countdown(screen, fonts, *scene.countdown)
        elif scene.reveal is not None:
            r = scene.reveal
            hud.reveal(screen, fonts, r.left, r.right, r.banner, r.colour)
        hud.message(screen, fonts, scene.message)
        for i, s in enumerate(reversed(scene.toasts)):
            hud.message(screen, fonts, s, 100 + i * 50, hud.ACCENT)
        if self.show_help:
            hud.help_overlay(screen, fonts)
        pygame.display.flip()
