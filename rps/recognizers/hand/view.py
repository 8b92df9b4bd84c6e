"""What the camera's view did since the last frame, from a 32 x 24 grey thumbnail: a new
view (a cut, a jump) is read as a still would be, and an empty view that stays as it was
need not be palm-detected on every frame (``tracker``)."""

from __future__ import annotations

import cv2
import numpy as np

CHANGE = 0.04  # mean change of a grey thumbnail from the last frame that counts as a new view
STILL = 0.02  # the largest change of a thumbnail cell that leaves an empty view as it was


class ViewWatch:
    """The last frame's thumbnail, and the one palm detection last found no hand in."""

    def __init__(self, realtime: bool, every: int):
        self.realtime = realtime
        self.every = every  # an unchanged empty view is detected again on one frame in this many
        self.thumb: np.ndarray | None = None
        self.empty: np.ndarray | None = None
        self.idle = 0  # frames in a row palm detection was left out on an unchanged view

    def changed(self, image: np.ndarray) -> bool:
        """The view changed since the last frame (the thumbnail moved by more than ``CHANGE``
        of full brightness on average): someone moved, or a new scene."""
        thumb = cv2.cvtColor(cv2.resize(image[::4, ::4], (32, 24), interpolation=cv2.INTER_AREA),
                             cv2.COLOR_BGR2GRAY).astype(np.float32) / 255
        last, self.thumb = self.thumb, thumb
        return last is None or float(np.abs(thumb - last).mean()) > CHANGE

    def idle_empty(self, tracking: bool) -> bool:
        """In real time: palm detection found nothing a few frames ago, and since then no
        cell of the thumbnail changed by ``STILL`` (a hand that comes in, even a far one,
        changes a few cells far more), so it would find nothing again. Counts the frames
        it is left out on (none while a hand is tracked): every ``every``-th is detected
        anyway."""
        idle = not tracking and self.realtime and self.empty is not None and \
            self.thumb is not None and self.idle < self.every - 1 and \
            float(np.abs(self.thumb - self.empty).max()) < STILL
        self.idle = self.idle + 1 if idle else 0
        return idle

    def saw(self, hands: bool) -> None:
        """Palm detection ran on this frame (or hands were read): remember an empty view."""
        self.empty = None if hands else self.thumb
