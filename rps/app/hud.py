"""Drawing only: the camera view, HUD, score bars, countdown and overlays.

Every function takes the surface and the values to show; none of them holds game state.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import pygame

from rps.app.keys import KEYS_HELP
from rps.types import Metrics, Prediction

WHITE = (245, 245, 245)
GREY = (160, 160, 160)
DARK = (20, 20, 24)
ACCENT = (255, 196, 0)
GOOD = (90, 210, 120)
BAD = (235, 90, 80)
CLASS_COLOURS = {"none": (140, 140, 140), "rock": (210, 120, 70), "paper": (90, 170, 235),
                 "scissors": (200, 100, 210)}

class Fonts:
    def __init__(self, height: int):
        s = max(0.5, height / 720)  # text scales with the window, readable when small
        self.small = pygame.font.Font(None, max(17, int(24 * s)))
        self.body = pygame.font.Font(None, max(22, int(34 * s)))
        self.big = pygame.font.Font(None, int(96 * s))
        self.huge = pygame.font.Font(None, int(220 * s))


def frame_surface(image: np.ndarray) -> pygame.Surface:
    """A BGR camera frame as a mirrored pygame surface (players expect a mirror)."""
    rgb = cv2.cvtColor(cv2.flip(image, 1), cv2.COLOR_BGR2RGB)
    return pygame.image.frombuffer(rgb.tobytes(), (rgb.shape[1], rgb.shape[0]), "RGB")


def letterbox(src: tuple[int, int], dst: tuple[int, int]) -> pygame.Rect:
    scale = min(dst[0] / src[0], dst[1] / src[1])
    w, h = int(src[0] * scale), int(src[1] * scale)
    return pygame.Rect((dst[0] - w) // 2, (dst[1] - h) // 2, w, h)


def text(surf: pygame.Surface, font: pygame.font.Font, s: str, pos: tuple[int, int],
         colour=WHITE, anchor: str = "topleft", shadow: bool = True, alpha: int = 255
         ) -> pygame.Rect:
    img = font.render(s, True, colour)
    rect = img.get_rect(**{anchor: pos})
    if shadow:
        back = font.render(s, True, (0, 0, 0))
        back.set_alpha(alpha)
        surf.blit(back, rect.move(2, 2))
    img.set_alpha(alpha)
    surf.blit(img, rect)
    return rect


def fit(font: pygame.font.Font, s: str, width: int) -> str:
    """``s`` cut to ``width`` pixels with "..." (a long device name on a small window)."""
    if font.size(s)[0] <= width:
        return s
    while s and font.size(s + "...")[0] > width:
        s = s[:-1]
    return s + "..."


def panel(surf: pygame.Surface, rect: pygame.Rect, alpha: int = 160) -> None:
    shade = pygame.Surface(rect.size, pygame.SRCALPHA)
    shade.fill((*DARK, alpha))
    surf.blit(shade, rect.topleft)


HUD_MODES = ("compact", "full", "off")  # H cycles them; compact keeps the view clear


def figure(value: float, fmt: str, unit: str = "") -> str:
    """A number as shown, or "" when it does not apply yet (no frames: NaN or zero)."""
    if value != value or value <= 0:  # NaN is the one float unequal to itself
        return ""
    return f"{value:{fmt}}{unit}"


def hud_lines(m: Metrics, device: str, precision: str, model: str, opponent: str,
              extra: tuple[str, ...], full: bool) -> list[str]:
    """The HUD's text: one line (fps, latency, device) or all the numbers; a figure with
    nothing behind it yet is left out rather than shown as nan."""
    def line(*items: str) -> str:
        return "   ".join(i for i in items if i)

    fps = figure(m.display_fps, ".0f", " fps")
    median = figure(m.latency.median, ".0f", " ms")
    if not full:
        return [line(fps, median and f"latency {median}", f"{device} {precision}")]
    lines = [
        line(figure(m.display_fps, ".1f", " fps display"),
             figure(m.infer_fps, ".1f", " fps inference")),
        line(median and "latency " + figure(m.latency.median, ".1f", " ms median"),
             figure(m.latency.p95, ".1f", " p95")),
        line(figure(m.infer.median, ".2f", " ms inference"), f"dropped {m.dropped}"),
        f"{device}  {precision}",
        f"model {model}   opponent {opponent}",
        *extra,
    ]
    return [s for s in lines if s]


def hud(surf: pygame.Surface, fonts: Fonts, lines: list[str],
        last: Prediction | None, width: int, bars: bool = True) -> pygame.Rect:
    """Top-left numbers, each cut to ``width``, and with more than one line (and
    ``bars``) the class-score bars; its box."""
    lines = [fit(fonts.small, s, width - 30) for s in lines]
    line_h = fonts.small.get_linesize()
    bars = last.labels if bars and last is not None and len(lines) > 1 else ()
    box = pygame.Rect(10, 10, int(max(fonts.small.size(s)[0] for s in lines) * 1.05) + 20,
                      line_h * (len(lines) + len(bars)) + 16 + (6 if bars else 0))
    panel(surf, box)
    y = box.y + 8
    for s in lines:
        text(surf, fonts.small, s, (box.x + 10, y), shadow=False)
        y += line_h
    y += 6
    if last is None or not bars:
        return box
    bar_w = box.w - 120
    for label, score in zip(last.labels, last.scores, strict=True):
        text(surf, fonts.small, label, (box.x + 10, y), shadow=False)
        colour = CLASS_COLOURS.get(label, GREY)
        pygame.draw.rect(surf, (60, 60, 60), (box.x + 100, y + 2, bar_w, line_h - 6))
        pygame.draw.rect(surf, colour, (box.x + 100, y + 2, int(bar_w * float(score)),
                                        line_h - 6))
        y += line_h
    return box


def score_line(left: tuple[str, int], right: tuple[str, int]) -> str:
    return f"{left[0]} {left[1]}  :  {right[1]} {right[0]}"


def score_bar(surf: pygame.Surface, fonts: Fonts, left: tuple[str, int],
              right: tuple[str, int], first_to: int, box: pygame.Rect) -> None:
    """"You 2  :  1 Computer" (or the two players), and the goal."""
    panel(surf, box)
    r = text(surf, fonts.body, score_line(left, right), (box.centerx, box.y + 4),
             anchor="midtop")
    text(surf, fonts.small, f"first to {first_to}", (box.centerx, r.bottom), GREY,
         anchor="midtop")


def countdown(surf: pygame.Surface, fonts: Fonts, word: str, number: int,
              area: pygame.Rect) -> list[pygame.Rect]:
    """The beat's number over its word, both inside ``area``; where they are."""
    r = text(surf, fonts.big, word, area.midbottom, WHITE, anchor="midbottom")
    if not number:
        return [r]
    return [r, text(surf, fonts.huge, str(number), (area.centerx, (area.y + r.y) // 2),
                    ACCENT, anchor="center")]


def message(surf: pygame.Surface, fonts: Fonts, s: str, row: pygame.Rect,
            colour=WHITE) -> None:
    """One line centred in its row, cut to the row's width."""
    if not s:
        return
    s = fit(fonts.body, s, row.w - 40)
    r = fonts.body.size(s)
    panel(surf, pygame.Rect(row.centerx - r[0] // 2 - 14, row.y, r[0] + 28, row.h))
    text(surf, fonts.body, s, row.center, colour, anchor="center")


def help_overlay(surf: pygame.Surface, fonts: Fonts, area: pygame.Rect) -> None:
    """Every key, on an opaque panel inside ``area`` (between the score and the message
    line): one column where it fits, else two, else two in the small font."""
    for font, cols in ((fonts.body, 1), (fonts.body, 2), (fonts.small, 2)):
        line_h, rows = font.get_linesize(), -(-len(KEYS_HELP) // cols)
        key_w = max(font.size(k)[0] for k, _ in KEYS_HELP) + line_h
        col_w = key_w + max(font.size(w)[0] for _, w in KEYS_HELP) + line_h
        box = pygame.Rect(0, 0, cols * col_w + line_h, (rows + 1) * line_h)
        if box.w <= area.w and box.h <= area.h:
            break
    box.center = area.center
    panel(surf, box, 255)  # opaque: the cards and toasts behind do not show through
    for i, (key, what) in enumerate(KEYS_HELP):
        x = box.x + line_h // 2 + (i // rows) * col_w
        y = box.y + line_h // 2 + (i % rows) * line_h
        text(surf, font, key, (x, y), ACCENT, shadow=False)
        text(surf, font, what, (x + key_w, y), shadow=False)


def teach_overlay(surf: pygame.Surface, fonts: Fonts, prompt: str, seconds_left: float,
                  progress: float, count: str, hint: str, area: pygame.Rect) -> None:
    """The prompt, the countdown before recording, what to do with the hand while it
    records (move, turn, closer, back) or why frames are refused, in the body font where
    it can be read, and a progress bar over all classes."""
    w, body = surf.get_width(), fonts.body.get_linesize()
    box = pygame.Rect(w // 8, 0, 3 * w // 4, body * 2 + fonts.small.get_linesize() + 36)
    box.bottom = area.bottom
    panel(surf, box, 190)
    r = text(surf, fonts.body, prompt, (w // 2, box.y + 8), ACCENT, anchor="midtop")
    status = f"recording in {math.ceil(seconds_left)}..." if seconds_left > 0 else \
        f"recording {count}"
    r = text(surf, fonts.small, status, (w // 2, r.bottom + 2), GREY, anchor="midtop")
    if hint and seconds_left <= 0:
        text(surf, fonts.body, fit(fonts.body, hint, box.w - 40), (w // 2, r.bottom + 2),
             anchor="midtop")
    bar = pygame.Rect(box.x + 20, box.bottom - 18, box.w - 40, 10)
    pygame.draw.rect(surf, (60, 60, 60), bar)
    pygame.draw.rect(surf, GOOD, (bar.x, bar.y, int(bar.w * progress), bar.h))
    if seconds_left > 0:
        text(surf, fonts.huge, str(math.ceil(seconds_left)), (w // 2, (area.y + box.y) // 2),
             ACCENT, anchor="center")
