"""What the hand recognizer sees, drawn on the mirrored camera view: each hand's bones and
landmarks in its class colour with the confidence, the two-player split line, and the
per-stage numbers for the HUD."""

from __future__ import annotations

from collections import deque

import numpy as np
import pygame

from rps.app.hud import CLASS_COLOURS, GREY, WHITE, Fonts, text
from rps.types import Hand, Prediction

# MediaPipe's hand connections: the palm, then each finger from its base to its tip.
BONES = ((0, 1), (0, 5), (0, 17), (5, 9), (9, 13), (13, 17),
         (1, 2), (2, 3), (3, 4), (5, 6), (6, 7), (7, 8), (9, 10), (10, 11), (11, 12),
         (13, 14), (14, 15), (15, 16), (17, 18), (18, 19), (19, 20))
TIPS = (4, 8, 12, 16, 20)


def to_screen(points: np.ndarray, frame_w: int, rect: pygame.Rect) -> np.ndarray:
    """Frame pixels (x, y) -> window pixels of the letterboxed, MIRRORED view."""
    scale = rect.w / frame_w
    x = rect.x + (frame_w - points[:, 0]) * scale
    y = rect.y + points[:, 1] * scale
    return np.stack([x, y], axis=1)


def skeleton(surf: pygame.Surface, hands: tuple[Hand, ...], labels: tuple[str, ...],
             frame_w: int, rect: pygame.Rect) -> None:
    """Bones and joints of each hand in its class colour, clipped to the camera view."""
    clip = surf.get_clip()
    surf.set_clip(rect)
    width = max(2, rect.h // 180)
    for hand in hands:
        colour = CLASS_COLOURS.get(labels[int(np.argmax(hand.scores))], GREY)
        pts = to_screen(hand.landmarks, frame_w, rect).round().astype(int)
        for a, b in BONES:
            pygame.draw.line(surf, colour, pts[a], pts[b], width)
        for j, p in enumerate(pts):
            pygame.draw.circle(surf, WHITE if j in TIPS else colour, p, width + 2)
    surf.set_clip(clip)


def hand_labels(surf: pygame.Surface, fonts: Fonts, hands: tuple[Hand, ...],
                labels: tuple[str, ...], frame_w: int, rect: pygame.Rect,
                avoid: list[pygame.Rect]) -> None:
    """"paper 97%" above each hand, or under it where that would touch a text of the game
    (``avoid``) or leave the camera view; left out where both would (drawn after the game's
    texts, which say more)."""
    for hand in hands:
        i = int(np.argmax(hand.scores))
        s = f"{labels[i]} {float(hand.scores[i]):.0%}"
        pts = to_screen(hand.landmarks, frame_w, rect)
        x, size = int(pts[:, 0].mean()), fonts.body.size(s)
        for spot in ({"midbottom": (x, int(pts[:, 1].min()) - 8)},
                     {"midtop": (x, int(pts[:, 1].max()) + 8)}):
            box = pygame.Rect((0, 0), size)
            setattr(box, *next(iter(spot.items())))
            if rect.contains(box) and box.collidelist(avoid) < 0:
                text(surf, fonts.body, s, next(iter(spot.values())),
                     CLASS_COLOURS.get(labels[i], GREY), anchor=next(iter(spot)))
                avoid.append(box)
                break


def split_line(surf: pygame.Surface, fonts: Fonts, rect: pygame.Rect,
               avoid: tuple[pygame.Rect, ...] = (), labels_y: int | None = None) -> None:
    """The two-player split: player 1 on the left of the mirrored view, player 2 right.
    Dashed, so the view stays visible, and broken where it would cross ``avoid`` (the
    score and the texts in the centre); the names sit at ``labels_y`` (bottom-aligned)."""
    x = rect.centerx
    for y in range(rect.y, rect.bottom, 24):
        dash = pygame.Rect(x - 1, y, 3, min(12, rect.bottom - y))
        if dash.collidelist(list(avoid)) < 0:
            pygame.draw.line(surf, WHITE, (x, y), (x, dash.bottom), 3)
    y, w = rect.bottom - 12 if labels_y is None else labels_y, surf.get_width()
    text(surf, fonts.body, "Player 1", (8, y), anchor="bottomleft")
    text(surf, fonts.body, "Player 2", (w - 8, y), anchor="bottomright")


class StageWindow:
    """The hand recognizer's recent per-stage times, palm-detection rate and hand count."""

    def __init__(self, size: int = 90):
        self.preds: deque[Prediction] = deque(maxlen=size)

    def add(self, p: Prediction) -> None:
        if p.stages_ms:
            self.preds.append(p)

    def clear(self) -> None:
        self.preds.clear()

    def lines(self) -> list[str]:
        """HUD lines; none when the recognizer has no stages (the CNN)."""
        if not self.preds:
            return []
        stages: dict[str, list[float]] = {}
        for p in self.preds:  # a stage that did not run (0 ms) says nothing of its speed
            for name, ms in p.stages_ms:
                stages.setdefault(name, []).extend([ms] if ms > 0 else [])
        times = "  ".join(f"{name} {np.median(v):.1f}" if v else f"{name} -"
                          for name, v in stages.items())
        palm = np.mean([p.palm_ran for p in self.preds])
        hands = np.mean([len(p.hands) for p in self.preds])
        return [f"ms: {times}",
                f"palm on {palm:4.0%} of frames   hands seen {hands:.1f}"]
