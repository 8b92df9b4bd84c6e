"""Where everything goes: named regions of the window computed from its size and the
fonts, stacked so they cannot overlap at any size. The score bar and the HUD share the
top band, the message and toasts stack up from the bottom, and the countdown, the reveal
(banner over the two cards) and the teach prompt share the centre band between them."""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from rps.app.hud import Fonts

PAD = 8


@dataclass(frozen=True)
class Layout:
    score: pygame.Rect  # top centre
    hud: pygame.Rect  # top left, as wide as the score bar leaves
    centre: pygame.Rect  # the countdown, the banner and cards, the teach prompt
    toasts: list[pygame.Rect]  # newest lowest, just above the message
    message: pygame.Rect  # bottom centre

    def cards(self, banner_h: int) -> tuple[pygame.Rect, pygame.Rect]:
        """Two cards under the banner, a quarter in from each side."""
        c = self.centre
        h = c.h - banner_h - PAD
        w = min(c.w // 3, int(h * 0.8))
        left = pygame.Rect(0, c.y + banner_h + PAD, w, h)
        right = left.copy()
        left.centerx, right.centerx = c.x + c.w // 4, c.x + 3 * c.w // 4
        return left, right


def layout(size: tuple[int, int], fonts: Fonts, score_w: int, n_toasts: int,
           top: int = 0) -> Layout:
    """The regions for a score line ``score_w`` pixels wide and ``n_toasts`` toasts; the
    centre starts below ``top`` (the full HUD's box) as well as below the score."""
    w, h = size
    body = fonts.body.get_linesize()
    score = pygame.Rect(0, PAD, score_w + 4 * PAD, body + fonts.small.get_linesize() + PAD)
    score.centerx = w // 2
    hud = pygame.Rect(PAD, PAD, score.x - 2 * PAD, score.h)
    message = pygame.Rect(0, h - body - 3 * PAD, w, body + 2 * PAD)
    toasts, y = [], message.y
    for _ in range(n_toasts):
        y -= body + 2 * PAD
        toasts.append(pygame.Rect(0, y, w, body + PAD))
    above = max(score.bottom, top)
    centre = pygame.Rect(PAD, above + PAD, w - 2 * PAD, y - above - 2 * PAD)
    return Layout(score, hud, centre, toasts, message)

