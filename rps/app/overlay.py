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


def skeleton(surf: pygame.Surface, fonts: Fonts, hands: tuple[Hand, ...], labels: tuple[str, ...],
             frame_w: int, rect: pygame.Rect) -> None:
    """Bones, joints and "label 97%" above each hand, clipped to the camera view."""
    clip = surf.get_clip()
    surf.set_clip(rect)
    width = max(2, rect.h // 180)
    for hand in hands:
        i = int(np.argmax(hand.scores))
        colour = CLASS_COLOURS.get(labels[i], GREY)
        pts = to_screen(hand.landmarks, frame_w, rect).round().astype(int)
        for a, b in BONES:
            pygame.draw.line(surf, colour, pts[a], pts[b], width)
        for j, p in enumerate(pts):
            pygame.draw.circle(surf, WHITE if j in TIPS else colour, p, width + 2)
        top = (int(pts[:, 0].mean()), int(pts[:, 1].min()) - 8)
        text(surf, fonts.body, f"{labels[i]} {float(hand.scores[i]):.0%}", top, colour,
             anchor="midbottom")
    surf.set_clip(clip)


def split_line(surf: pygame.Surface, fonts: Fonts, rect: pygame.Rect) -> None:
    """The two-player split: player 1 on the left of the mirrored view, player 2 right."""
    x = rect.centerx
    for y in range(rect.y, rect.bottom, 24):  # dashed, so the view stays visible
        pygame.draw.line(surf, WHITE, (x, y), (x, min(y + 12, rect.bottom)), 3)
    text(surf, fonts.body, "Player 1", (rect.x + 16, rect.bottom - 12), anchor="bottomleft")
    text(surf, fonts.body, "Player 2", (rect.right - 16, rect.bottom - 12),
         anchor="bottomright")


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
