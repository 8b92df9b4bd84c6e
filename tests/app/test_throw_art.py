"""The drawn throws: each sign shows its fingers, and the reveal pops them in on the
game's clock."""

import numpy as np
import pygame
import pytest

from rps.app.hud import CLASS_COLOURS
from rps.app.throw_art import POP, flash, hand_sign, pop


def _drawn(move: str, size: int = 200) -> np.ndarray:
    """Where ``move``'s sign is painted in its class colour, as a boolean image."""
    surf = pygame.Surface((2 * size, 2 * size))
    hand_sign(surf, move, (size, size), size)
    px = pygame.surfarray.array3d(surf).transpose(1, 0, 2)
    return (px == CLASS_COLOURS[move]).all(axis=2)


def test_each_sign_raises_its_own_fingers():
    """Above the knuckles: no finger for rock, two for scissors, four and a thumb for paper."""
    size = 200
    above = {m: _drawn(m, size)[: size - round(0.2 * size)].sum()
             for m in ("rock", "paper", "scissors")}
    assert above["rock"] == 0
    assert 0 < above["scissors"] < above["paper"]
    assert above["paper"] > 1.6 * above["scissors"]


def test_the_reveal_pops_in_and_settles_on_the_games_clock():
    assert pop(0.0) == pytest.approx(0.4)
    assert pop(POP) == pop(5.0) == 1.0
    peak = max(pop(t) for t in np.linspace(0, POP, 50))
    assert 1.02 < peak < 1.2  # a small overshoot
    assert flash(0.0) == flash(POP) == 0.0 and flash(POP / 2) == pytest.approx(1.0)
    small, full = _drawn("paper", round(200 * pop(0.05))), _drawn("paper", 200)
    assert small.sum() < full.sum() / 2


@pytest.mark.parametrize("height", [360, 720, 1440])
def test_icons_and_outline_stay_clear_of_the_card_labels_all_through_the_pop(
        height, monkeypatch):
    from rps.app import hud, throw_art

    pygame.font.init()
    fonts = hud.Fonts(height)
    texts, icons = [], []
    real_text, real_sign = hud.text, throw_art.hand_sign

    def text(*args, **kwargs):
        texts.append(real_text(*args, **kwargs))
        return texts[-1]

    def sign(*args, **kwargs):
        icons.append(real_sign(*args, **kwargs))
        return icons[-1]

    monkeypatch.setattr(hud, "text", text)
    monkeypatch.setattr(throw_art, "hand_sign", sign)
    surf = pygame.Surface((height * 16 // 9, height))
    for w, h in ((height // 3, height // 2), (height // 5, height // 2),
                 (height // 2, height // 4)):
        cards = (pygame.Rect(10, 80, w, h), pygame.Rect(20 + w, 80, w, h))
        for age in np.linspace(0, POP, 12):
            texts.clear()
            icons.clear()
            throw_art.reveal(surf, fonts, ("You", "paper"), ("Computer", "scissors"), "",
                             (255, 0, 0), cards, (0, 0), winner=1, age=float(age))
            assert len(icons) == 2 and len(texts) == 4
            for k, (icon, card) in enumerate(zip(icons, cards, strict=True)):
                assert card.contains(icon), (w, h, age)
                assert icon.collidelist(texts) < 0, (w, h, age, icon, texts)
                widest = 3 * max(3, card.w // 60)  # the winner's outline at its flash
                assert all(card.top + widest <= t.top and t.bottom <= card.bottom - widest
                           for t in texts[2 * k: 2 * k + 2]), (w, h)
