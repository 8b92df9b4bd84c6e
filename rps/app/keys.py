"""The key map of `rps play`: keys to command names, in one place with the help text."""

from __future__ import annotations

import pygame

KEYMAP = {
    pygame.K_ESCAPE: "quit", pygame.K_q: "quit", pygame.K_SPACE: "start", pygame.K_r: "reset",
    pygame.K_a: "opponent", pygame.K_d: "device", pygame.K_p: "precision", pygame.K_h: "hud",
    pygame.K_F1: "help", pygame.K_f: "fullscreen", pygame.K_m: "mute",
    pygame.K_s: "screenshot", pygame.K_t: "teach", pygame.K_o: "model",
    pygame.K_l: "skeleton", pygame.K_n: "players", pygame.K_y: "accept",
}

KEYS_HELP = [
    ("Space", "start a round / a new match"), ("R", "reset the match"), ("A", "next opponent"),
    ("D / 1-9", "next device / pick a device"), ("P", "next precision"),
    ("H", "HUD: compact / full / off"), ("L", "hand skeleton on / off"),
    ("N", "one player / two players"), ("F", "fullscreen"), ("M", "mute"),
    ("S", "screenshot"), ("T", "teach it your hand"), ("O", "personal / shipped model"),
    ("Y", "teach the CNN instead (when offered)"),
    ("F1 or ?", "this help (pauses the game)"), ("Esc / Q", "quit"),
]


def command(key: int, char: str = "") -> tuple[str, int] | None:
    """(command, argument) for a key press: number keys pick device N-1, '?' is help."""
    if pygame.K_1 <= key <= pygame.K_9:
        return "pick_device", key - pygame.K_1
    if char == "?":
        return "help", 0
    name = KEYMAP.get(key)
    return (name, 0) if name else None
