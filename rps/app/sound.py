"""Short generated cues (no sound files to ship or download). No audio device: silence."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pygame

RATE = 22050

# cue -> list of (frequency Hz, seconds)
CUES = {
    "tick": [(660, 0.08)],
    "shoot": [(990, 0.18)],
    "win": [(523, 0.1), (659, 0.1), (784, 0.2)],
    "lose": [(392, 0.12), (330, 0.12), (262, 0.25)],
    "draw": [(440, 0.12), (440, 0.12)],
    "switch": [(880, 0.05), (1320, 0.05)],
}


def tone(notes: list[tuple[float, float]], volume: float = 0.3) -> np.ndarray:
    """Sine notes with a short fade in and out, as int16 stereo samples."""
    parts = []
    for freq, secs in notes:
        t = np.arange(int(RATE * secs)) / RATE
        wave = np.sin(2 * np.pi * freq * t)
        fade = np.minimum(1.0, np.minimum(t, secs - t) / 0.01)
        parts.append(wave * fade)
    mono = (np.concatenate(parts) * volume * 32767).astype(np.int16)
    return np.ascontiguousarray(np.column_stack([mono, mono]))


def sound_card_present() -> bool:
    """False when Linux reports no sound card and no sound server is named: SDL would try
    ALSA and PulseAudio anyway, and they print eight lines of errors from C on the way."""
    if not sys.platform.startswith("linux") or any(
            os.environ.get(v) for v in ("SDL_AUDIODRIVER", "PULSE_SERVER")):
        return True
    try:
        return "no soundcards" not in Path("/proc/asound/cards").read_text()
    except OSError:  # no ALSA at all (containers, some CI machines)
        return False


class Sounds:
    def __init__(self, muted: bool = False):
        self.muted = muted
        self.available = False
        self._cues: dict[str, pygame.mixer.Sound] = {}
        if not sound_card_present():
            return
        try:
            pygame.mixer.init(frequency=RATE, size=-16, channels=2)
            self._cues = {k: pygame.sndarray.make_sound(tone(v)) for k, v in CUES.items()}
            self.available = True
        except (pygame.error, ValueError):  # no sound device: play on in silence
            pass

    def play(self, cue: str) -> None:
        if not self.muted and cue in self._cues:
            self._cues[cue].play()

    def toggle_mute(self) -> bool:
        self.muted = not self.muted
        return self.muted
