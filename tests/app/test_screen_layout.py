"""Every screen at every size, drawn from hand-made Scenes: no two texts overlap and every
text fits the window (the texts are collected as the View draws them)."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pygame
import pytest

from rps.app import hud, overlay, screens
from rps.app.layout import layout
from rps.app.scene import Reveal, Scene, TeachPrompt
from rps.app.view import View
from rps.types import CLASSES, Frame, Hand, LatencyStats, Metrics, Prediction

SIZES = [(640, 360), (1280, 720), (2560, 1440)]
STATES = ["start", "countdown", "shoot", "reveal", "popping", "end", "help", "teach",
          "toast"]


def hand() -> Hand:
    """An open hand in the middle of the 640 x 480 frame, wrist low, fingers up: its label
    would sit where the countdown's number and the banner go."""
    ys = np.linspace(400, 140, 5)
    pts = [(320, 420)] + [(250 + 35 * f, y) for f in range(5) for y in ys[1:]]
    lm = np.array([(x, y, 0.0) for x, y in pts], np.float32)
    return Hand(lm, (250.0, 140.0, 390.0, 420.0), "Right", 1.0,
                np.array([0.0, 0.0, 1.0, 0.0], np.float32))


def scene(state: str, two: bool) -> Scene:
    names = ("Player 1", "Player 2") if two else ("You", "Computer")
    metrics = Metrics(30.0, 29.5, 59.8, LatencyStats(12.3, 20.1), LatencyStats(4.2, 6.0))
    last = Prediction(1, 0.0, 0.01, np.array([0.05, 0.05, 0.85, 0.05]), CLASSES, 3.0, "CPU",
                      "FP16", (hand(),))  # its label ("paper 100%") is placed too
    base = dict(frame=Frame(1, 0.0, np.full((480, 640, 3), 90, np.uint8)), last=last,
                metrics=metrics, device="CPU (Intel Core i7-1185G7)", precision="FP16",
                model="hand", opponent="fair", stage_lines=("ms: palm 3.1  landmarks 2.0",),
                two_players=two, score=((names[0], 2), (names[1], 1)), first_to=3,
                message="Press Space or show your hand for the next round", toasts=())
    reveal = Reveal((names[0], "paper"), (names[1], "rock"),
                    "Player 1 wins!" if two else "Computer wins", hud.BAD)
    extra = {
        "start": dict(start=True, message=""),
        "countdown": dict(countdown=("Scissors...", 1), message="No throw seen - replaying"),
        "shoot": dict(countdown=("Shoot!", 0), message=""),
        "reveal": dict(reveal=reveal, message="Computer wins the round"),
        "popping": dict(reveal=dataclasses.replace(reveal, winner=1, age=0.3),  # mid-pop
                        message="Computer wins the round"),
        "end": dict(reveal=reveal, end=("Computer wins the match", "You 1  :  3 Computer",
                                        False)),
        "help": dict(),
        "teach": dict(teach=TeachPrompt("Show ROCK", 0.0, 0.4, "rock: 12/40",
                                        "move it around"), message="Teach mode: follow "
                                        "the prompts (T stops)"),
        "toast": dict(reveal=reveal, toasts=("Opponent: fair", "Now on GPU FP16 (1.2 s)")),
    }[state]
    return Scene(**{**base, **extra})


@pytest.fixture
def placed(monkeypatch):
    """The texts drawn, and the cards (panels drawn at the cards' shade)."""
    rects: list[tuple[str, pygame.Rect]] = []
    real_text, real_panel = hud.text, hud.panel

    def text(surf, font, s, *args, **kwargs):
        rect = real_text(surf, font, s, *args, **kwargs)
        rects.append((s, rect))
        return rect

    def panel(surf, rect, alpha=160):
        real_panel(surf, rect, alpha)
        if alpha == 190:
            rects.append(("[card]", pygame.Rect(rect)))

    for module in (hud, overlay, screens):
        monkeypatch.setattr(module, "text", text)
    monkeypatch.setattr(hud, "panel", panel)
    return rects


def clash(a: pygame.Rect, b: pygame.Rect, a_is_box: bool) -> bool:
    """Two texts clash when they touch; a text and a card when the text is not inside."""
    return a.colliderect(b) and not (a_is_box and a.contains(b))


@pytest.mark.parametrize(("size", "two"), list(itertools.product(SIZES, (False, True))))
@pytest.mark.parametrize("hud_mode", ["compact", "full"])
def test_no_text_overlaps_and_all_fits(size, two, hud_mode, placed):
    pygame.display.init()
    pygame.font.init()
    view = View(pygame.Surface(size))
    view.hud_mode = hud_mode
    problems = []
    for state in STATES:
        placed.clear()
        view.show_help = state == "help"
        view.draw(scene(state, two))
        if state == "help":  # the help covers the game: only its own texts count
            placed[:] = [p for p in placed if p[0] != "[card]"][-len(hud.KEYS_HELP) * 2:]
        for s, r in placed:
            if not view.screen.get_rect().contains(r):
                problems.append(f"{state}: {s!r} {r} outside {size}")
        for (a, ra), (b, rb) in itertools.combinations(placed, 2):
            if (a == b == "[card]" and ra.colliderect(rb)) or \
                    (clash(ra, rb, a == "[card]") and clash(rb, ra, b == "[card]")):
                problems.append(f"{state}: {a!r} {ra} overlaps {b!r} {rb}")
    assert not problems, "\n" + "\n".join(problems)


def test_teach_mode_endings_fit_the_message_line_at_640x360():
    """The fit figures are the point of the line: at the smallest window, with the widest
    figures, the line is not cut."""
    from rps.app.teach_flow import DIM, LOADING, LOST, REFUSED, SERVED
    from rps.game.teach import HAND_IN_EMPTY, LIKE_EMPTY, NO_HAND, STUCK_HINT

    pygame.display.init()
    pygame.font.init()
    size = (640, 360)
    fonts = hud.Fonts(size[1])
    row = layout(size, fonts, 200, 0).message
    figures = "k-fold 120/120 vs shipped 120/120"
    for s in (f"{LOADING}: {figures}", SERVED.format(figures=figures),
              REFUSED.format(kept="shipped", figures=figures), LOST.format(found=0.99, other="CNN"),
              DIM.format(found=0.99)):
        assert hud.fit(fonts.body, s, row.w - 40) == s, s
    box_w = 3 * size[0] // 4 - 40  # the teach panel's text width
    for hint in (HAND_IN_EMPTY, LIKE_EMPTY, NO_HAND, STUCK_HINT):
        assert hud.fit(fonts.body, hint, box_w) == hint, hint
