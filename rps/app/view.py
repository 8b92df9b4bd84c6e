"""One display frame of the window, drawn from a Scene: the camera, what the recognizer
sees, the game and the overlays. Holds only what drawing needs: the screen, fonts, the
scaled camera frame (the camera is slower than 60 fps) and the on/off switches."""

from __future__ import annotations

import pygame

from rps.app import hud, overlay, screens, throw_art
from rps.app.layout import PAD, layout
from rps.app.scene import Scene
from rps.types import Frame


class View:
    def __init__(self, screen: pygame.Surface):
        self.screen = screen
        self.fonts = hud.Fonts(screen.get_height())
        self.hud_mode = hud.HUD_MODES[0]
        self.show_help = False
        self.show_skeleton = True
        self._frame_key: tuple[int, tuple[int, int]] = (-1, (0, 0))  # seq, window size
        self._frame_surf: pygame.Surface | None = None

    def resized(self, screen: pygame.Surface) -> None:
        self.screen = screen
        self.fonts = hud.Fonts(screen.get_height())

    def next_hud(self) -> str:
        modes = hud.HUD_MODES
        self.hud_mode = modes[(modes.index(self.hud_mode) + 1) % len(modes)]
        return self.hud_mode

    def camera(self, frame: Frame | None, area: pygame.Rect | None = None
               ) -> pygame.Rect | None:
        """The mirrored camera frame, letterboxed into ``area`` (the window by default);
        its rectangle on screen."""
        if frame is None:
            return None
        area = area or self.screen.get_rect()
        rect = hud.letterbox((frame.image.shape[1], frame.image.shape[0]), area.size)
        rect.move_ip(area.topleft)
        if (frame.seq, rect.size) != self._frame_key:
            self._frame_key = (frame.seq, rect.size)
            self._frame_surf = pygame.transform.smoothscale(
                hud.frame_surface(frame.image), rect.size)
        self.screen.blit(self._frame_surf, rect.topleft)
        return rect

    def draw(self, scene: Scene) -> None:
        screen, fonts = self.screen, self.fonts
        screen.fill(hud.DARK)
        if scene.start:
            rect = self.camera(scene.frame, screens.preview_area(screen.get_size()))
            self._skeleton(scene, rect)
            self._skeleton(scene, rect, [])
            screens.start_screen(screen, fonts, scene.two_players)
        else:
            self._play(scene)
        if self.show_help:
            spot = layout(screen.get_size(), fonts,
                          fonts.body.size(hud.score_line(*scene.score))[0], 0)
            hud.help_overlay(screen, fonts, spot.centre.union(spot.message))
        if pygame.display.get_surface() is self.screen:
            pygame.display.flip()

    def _room_for_bars(self, spot, n_lines: int, scene: Scene) -> bool:
        """Whether the full HUD's class bars leave the centre room for the cards."""
        bars = len(scene.last.labels) if scene.last is not None else 0
        bottom = PAD + self.fonts.small.get_linesize() * (n_lines + bars) + 22
        need = self.fonts.big.get_linesize() + 3 * self.fonts.body.get_linesize() + 4 * PAD
        return spot.centre.bottom - bottom >= need

    def _skeleton(self, scene: Scene, rect: pygame.Rect | None,
                  avoid: list[pygame.Rect] | None = None) -> None:
        """The hands' bones; with ``avoid`` (the game's texts, drawn by then) their labels."""
        last = scene.last
        if rect is None or scene.frame is None or not self.show_skeleton or last is None \
                or not last.hands:
            return
        w = scene.frame.image.shape[1]
        if avoid is None:
            overlay.skeleton(self.screen, last.hands, last.labels, w, rect)
        else:
            overlay.hand_labels(self.screen, self.fonts, last.hands, last.labels, w, rect,
                                avoid)

    def _play(self, scene: Scene) -> None:
        screen, fonts = self.screen, self.fonts
        spot = layout(screen.get_size(), fonts, fonts.body.size(hud.score_line(*scene.score))[0],
                      len(scene.toasts))
        rect = self.camera(scene.frame)
        self._skeleton(scene, rect)
        taken = [spot.score, spot.message, *spot.toasts[:len(scene.toasts)]]
        if self.hud_mode != "off":
            lines = hud.hud_lines(scene.metrics, scene.device, scene.precision, scene.model,
                                  scene.opponent, scene.stage_lines, self.hud_mode == "full")
            box = hud.hud(screen, fonts, lines, scene.last, spot.hud.w,
                          self._room_for_bars(spot, len(lines), scene))
            taken.append(box)
            if self.hud_mode == "full":  # its lines and bars reach below the score
                spot = layout(screen.get_size(), fonts, spot.score.w - 4 * PAD,
                              len(scene.toasts), box.bottom)
        hud.score_bar(screen, fonts, *scene.score, scene.first_to, spot.score)
        message, centre = spot.message, []
        if scene.two_players:  # the players' names take the row's corners
            message = message.inflate(-2 * fonts.body.size("Player 1")[0] - 48, 0)
        if scene.teach is not None:
            t = scene.teach
            hud.teach_overlay(screen, fonts, t.prompt, t.seconds_left, t.progress, t.count,
                              t.hint, spot.centre)
            taken.append(spot.centre)
        elif scene.countdown is not None:
            centre = hud.countdown(screen, fonts, *scene.countdown, spot.centre)
        elif scene.reveal is not None and scene.end is None:
            r = scene.reveal
            cards = spot.cards(fonts.big.get_linesize())
            centre = throw_art.reveal(screen, fonts, r.left, r.right, r.banner, r.colour,
                                      cards, spot.centre.midtop, r.winner, r.age)
            taken += cards
        if rect is not None and scene.two_players and scene.end is None:
            avoid = (spot.score, spot.message, *spot.toasts,
                     *(c.inflate(16, 16) for c in centre))
            overlay.split_line(screen, fonts, rect, avoid, spot.message.bottom)
        if scene.end is not None:
            screens.end_screen(screen, fonts, *scene.end, scene.two_players, spot.centre)
        else:
            self._skeleton(scene, rect, taken + [c.inflate(8, 8) for c in centre])
            hud.message(screen, fonts, scene.message, message)
        for row, s in zip(spot.toasts, reversed(scene.toasts), strict=False):
            hud.message(screen, fonts, s, row, hud.ACCENT)
