"""Every screen at every size, drawn from hand-made Scenes: no two texts overlap and every
text fits the window (the texts are collected as the View draws them)."""

from __future__ import annotations

import itertools

import numpy as np
import pygame
import pytest

from rps.app import hud, overlay, screens
from rps.app.scene import Reveal, Scene, TeachPrompt
from rps.app.view import View
from rps.types import Frame, LatencyStats, Metrics

SIZES = [(640, 360), (1280, 720), (2560, 1440)]
STATES = ["start", "countdown", "shoot", "reveal", "end", "help", "teach", "toast"]


def scene(state: str, two: bool) -> Scene:
    names = ("Player 1", "Player 2") if two else ("You", "Computer")
    metrics = Metrics(30.0, 29.5, 59.8, LatencyStats(12.3, 20.1), LatencyStats(4.2, 6.0))
    base = dict(frame=Frame(1, 0.0, np.full((480, 640, 3), 90, np.uint8)), last=None,
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
    rects: list[tuple[str, pygame.Rect]] = []
    real = hud.text

    def text(surf, font, s, *args, **kwargs):
        rect = real(surf, font, s, *args, **kwargs)
        rects.append((s, rect))
        return rect

    for module in (hud, overlay, screens):
        monkeypatch.setattr(module, "text", text)
    return rects


@pytest.mark.parametrize(("size", "two"), list(itertools.product(SIZES, (False, True))))
def test_no_text_overlaps_and_all_fits(size, two, placed):
    pygame.display.init()
    pygame.font.init()
    view = View(pygame.Surface(size))
    view.hud_mode = "full"
    problems = []
    for state in STATES:
        placed.clear()
        view.show_help = state == "help"
        view.draw(scene(state, two))
        if state == "help":  # the help covers the game: only its own texts count
            placed[:] = placed[-len(hud.KEYS_HELP) * 2:]
        for s, r in placed:
            if not view.screen.get_rect().contains(r):
                problems.append(f"{state}: {s!r} {r} outside {size}")
        for (a, ra), (b, rb) in itertools.combinations(placed, 2):
            if ra.colliderect(rb):
                problems.append(f"{state}: {a!r} {ra} overlaps {b!r} {rb}")
    assert not problems, "\n" + "\n".join(problems)
