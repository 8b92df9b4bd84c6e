"""The throws as a game shows them: flat drawn hand signs (a fist, an open hand, two
fingers in a V) in each class's colour, and the reveal that pops them onto their cards.

Drawn with pygame.draw from capsules and one rounded palm, so they need no art files (and
no licence) and stay sharp at any window size. The reveal's animation is a function of the
seconds since the reveal began, read from the game's clock, so it runs at the game's pace
(and stands still when a test freezes the clock).
"""

from __future__ import annotations

import math

import pygame

from rps.app import hud
from rps.app.hud import CLASS_COLOURS, DARK, GREY, Fonts

POP = 0.5  # seconds the reveal's pop and the winner's flash take
FINGERS = (-0.21, -0.07, 0.07, 0.21)  # finger bases across the palm, in icon sizes
# Which fingers (index .. pinky) are out, and whether the thumb is.
SIGNS = {"rock": ((False,) * 4, False), "paper": ((True,) * 4, True),
         "scissors": ((True, True, False, False), False)}


def pop(age: float) -> float:
    """The icon's scale ``age`` seconds into the reveal: grows from 40% with a small
    overshoot (about 110%) and settles at 100% by POP seconds."""
    if age >= POP:
        return 1.0
    t = max(0.0, age) / POP
    back = 1.7  # an "ease out back" curve: overshoot, then settle
    t -= 1.0
    return 0.4 + 0.6 * (1.0 + (back + 1.0) * t ** 3 + back * t ** 2)


def flash(age: float) -> float:
    """0..1..0 over POP seconds: how strongly the winner's card is outlined beyond its
    steady outline."""
    return math.sin(math.pi * age / POP) if 0.0 <= age < POP else 0.0


def capsule(surf: pygame.Surface, colour, a: tuple[float, float], b: tuple[float, float],
            r: float) -> None:
    """A thick line with round ends (a finger)."""
    ri = max(1, round(r))
    pa, pb = (round(a[0]), round(a[1])), (round(b[0]), round(b[1]))
    pygame.draw.line(surf, colour, pa, pb, 2 * ri)
    pygame.draw.circle(surf, colour, pa, ri)
    pygame.draw.circle(surf, colour, pb, ri)


def hand_sign(surf: pygame.Surface, move: str, centre: tuple[int, int], size: int,
              colour=None) -> pygame.Rect:
    """A fist, an open hand or a V of two fingers, at most ``size`` pixels tall and
    centred on ``centre``, outlined; where it was drawn."""
    fingers, thumb = SIGNS[move]
    fill = colour or CLASS_COLOURS[move]
    x0, y0 = centre[0], centre[1] + 0.04 * size  # the fingers reach higher than the palm

    def at(u: float, v: float) -> tuple[float, float]:
        return x0 + u * size, y0 + v * size

    r = 0.065 * size
    parts: list[tuple[tuple[float, float], tuple[float, float]]] = []
    for i, (u, out) in enumerate(zip(FINGERS, fingers, strict=True)):
        if out:
            spread = u * 1.5 if move == "paper" else (-0.34, 0.12)[i]
            parts.append((at(u, -0.02), at(spread, -0.45 + 0.07 * abs(u) / 0.21)))
        else:  # folded: a knuckle on top of the palm
            parts.append((at(u, -0.02), at(u, -0.1)))
    if thumb:  # out to the side, joined to the palm
        parts.append((at(0.18, 0.3), at(0.44, 0.04)))
    palm = pygame.Rect(0, 0, round(0.56 * size), round(0.48 * size))
    palm.midtop = (round(x0), round(y0 - 0.04 * size))
    edge = max(2, round(size / 40))
    drawn = palm.inflate(2 * edge, 2 * edge)
    for c, grow in ((DARK, edge), (fill, 0)):  # outline first, then the fill over it
        pygame.draw.rect(surf, c, palm.inflate(2 * grow, 2 * grow),
                         border_radius=round(0.12 * size) + grow)
        for a, b in parts:
            capsule(surf, c, a, b, r + grow)
            if grow:
                ends = pygame.Rect(min(a[0], b[0]), min(a[1], b[1]), abs(a[0] - b[0]),
                                   abs(a[1] - b[1]))
                drawn.union_ip(ends.inflate(2 * (r + grow) + 2, 2 * (r + grow) + 2))
    if not thumb:  # folded, it lies across the palm: drawn over it, outlined
        capsule(surf, DARK, at(0.24, 0.18), at(-0.08, 0.2), r + edge)
        capsule(surf, fill, at(0.24, 0.18), at(-0.08, 0.2), r)
    return drawn


def reveal(surf: pygame.Surface, fonts: Fonts, left: tuple[str, str | None],
           right: tuple[str, str | None], banner: str, colour,
           cards: tuple[pygame.Rect, pygame.Rect], banner_at: tuple[int, int],
           winner: int | None = None, age: float = POP) -> list[pygame.Rect]:
    """The result on top, both throws on cards under it, (name, move) left and right; the
    icons pop in, the winner's card (``winner``: 0 left, 1 right) is outlined in the
    result's colour, flashing at first; ``age``: seconds since the reveal. Where the banner
    is."""
    line = fonts.body.get_linesize()
    for k, (card, (who, move)) in enumerate(zip(cards, (left, right), strict=True)):
        hud.panel(surf, card, 190)
        edge = max(3, card.w // 60)
        inset = 3 * edge + 4  # the labels sit inside the outline, even at its widest
        if k == winner:
            pygame.draw.rect(surf, colour, card, edge + round(edge * 2 * flash(age)),
                             border_radius=6)
        hud.text(surf, fonts.body, who, (card.centerx, card.y + inset), anchor="midtop")
        room = min(card.w - 2 * inset, card.h - 2 * (line + inset) - 4)  # between them
        if move in SIGNS:  # 90%: the pop's overshoot stays clear of the labels
            hand_sign(surf, move, card.center, max(8, round(room * 0.9 * pop(age))))
        else:
            hud.text(surf, fonts.big, "?", card.center, GREY, anchor="center")
        hud.text(surf, fonts.body, move or "no throw", (card.centerx, card.bottom - inset),
                 anchor="midbottom")
    if not banner:
        return []
    fade = round(255 * min(1.0, 0.3 + age / (POP / 2)))  # the banner fades in
    return [hud.text(surf, fonts.big, banner, banner_at, colour, anchor="midtop", alpha=fade)]
