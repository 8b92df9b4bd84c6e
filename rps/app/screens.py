"""The screens around play: the start screen (title, how to play, the keys that matter)
and the end of a match (the result and what to do next). Drawing only, like rps.app.hud;
the camera preview on the start screen is drawn by the View into ``preview_area``."""

from __future__ import annotations

import pygame

from rps.app.hud import ACCENT, BAD, GOOD, GREY, WHITE, Fonts, panel, text

TITLE = "Rock  Paper  Scissors"
HOW_TO = ("Show your hand to the camera.", "Rock... Paper... Scissors...",
          "throw at \"Shoot!\"")
START_KEYS = (("Space", "play"), ("N", "one / two players"), ("T", "teach it your hand"),
              ("F1", "help and all keys"), ("Esc", "quit"))


def preview_area(size: tuple[int, int]) -> pygame.Rect:
    """Where the start screen shows the camera: the left part, under the title."""
    w, h = size
    return pygame.Rect(w // 20, h // 5, w // 2, int(h * 0.7))


def start_screen(surf: pygame.Surface, fonts: Fonts, two_players: bool) -> None:
    """The title, how to play and the keys, right of the camera preview."""
    w, h = surf.get_size()
    text(surf, fonts.big, TITLE, (w // 2, h // 20), ACCENT, anchor="midtop")
    cam = preview_area((w, h))
    x, line_h = cam.right + w // 30, fonts.body.get_linesize()
    box = pygame.Rect(x - 12, cam.y, w - x - w // 40, cam.h)
    panel(surf, box, 200)
    y = box.y + 10
    how = HOW_TO if not two_players else ("Player 1 left, player 2 right.", *HOW_TO[1:])
    for s in how:
        text(surf, fonts.body, s, (x, y), shadow=False)
        y += line_h
    y += line_h // 2
    col = x + fonts.body.size("Space  ")[0]
    for key, what in START_KEYS:
        text(surf, fonts.body, key, (x, y), ACCENT, shadow=False)
        text(surf, fonts.body, what, (col, y), GREY, shadow=False)
        y += line_h
    text(surf, fonts.big, "Press Space", (box.centerx, box.bottom - 10), GOOD,
         anchor="midbottom", shadow=False)


def end_screen(surf: pygame.Surface, fonts: Fonts, result: str, score: str, won: bool | None,
               two_players: bool, area: pygame.Rect) -> None:
    """The match result, the final score and the next step, over a dimmed view, inside
    ``area`` (the layout's centre: the score bar above it, toasts below stay clear)."""
    w, h = surf.get_size()
    panel(surf, pygame.Rect(0, 0, w, h), 170)
    colour = WHITE if won is None else GOOD if won else BAD
    top = area.y + max(0, area.h // 6 - fonts.big.get_linesize() // 2)
    r = text(surf, fonts.big, result, (area.centerx, top), colour, anchor="midtop")
    text(surf, fonts.body, score, (area.centerx, r.bottom), anchor="midtop")
    steps = "Space: new match    N: one player    Esc: quit" if two_players else \
        "Space: new match    T: teach    Esc: quit"
    text(surf, fonts.body, steps, (area.centerx, area.bottom - fonts.body.get_linesize() // 2),
         ACCENT, anchor="midbottom")
