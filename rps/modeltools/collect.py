"""Recording the player's own gestures, one file per frame as it is taken.

Frames go to ``<folder>/<class>/<time>.jpg`` (the layout `rps train` and
`rps personalize` read), each written atomically, so a crash or Esc loses nothing already
recorded and a new session adds to the set.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import cv2
import numpy as np

from rps.capture import CaptureThread, FrameSource
from rps.errors import RpsError, SourceError, check_writable
from rps.game.teach import HINTS, TeachSession
from rps.modeltools.dataset import scan
from rps.userdata import recordings
from rps.userdata.files import write_bytes
from rps.userdata.marks import mark_recording


def thumbnail(image: np.ndarray) -> np.ndarray:
    """A frame's descriptor for teach mode's near-duplicate check (``TeachSession.offer``):
    grey, 32 x 24, scaled to 0..1; small enough that sensor noise averages out."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    return cv2.resize(grey, (32, 24), interpolation=cv2.INTER_AREA).astype(np.float32) / 255


class Recorder:
    """Writes frames into a recording folder, claimed with its marker at the first frame
    (``rps.userdata.marks``: what `rps collect --clear` may delete)."""

    def __init__(self, root: Path | None = None):
        self.root = root or recordings()
        self._claimed = False

    def save(self, label: str, image: np.ndarray) -> Path:
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 95])
        if not ok:
            raise RpsError("could not encode a frame as JPEG")
        path = self.root / label / f"{time.time_ns()}.jpg"
        self.claim()
        write_bytes(path, data.tobytes())
        return path

    def claim(self) -> None:
        """Make the folder and mark it as a recording (once): the first write, so a full
        disk says so before the camera and the countdown."""
        if not self._claimed:
            self.root.mkdir(parents=True, exist_ok=True)
            mark_recording(self.root)
            self._claimed = True

    def counts(self) -> dict[str, int]:
        if not self.root.is_dir():
            return {}
        counts: dict[str, int] = {}
        for s in scan(self.root):
            counts[s.label] = counts.get(s.label, 0) + 1
        return counts


def collect(source: FrameSource, recorder: Recorder, per_class: int = 30, rate: float = 5.0,
            countdown: float = 3.0, stall_timeout: float = 3.0) -> dict[str, int]:
    """Prompt on the terminal and record each class from ``source``, without the game:
    frames too like one already taken, or like the empty room recorded first, are skipped
    while the player is asked to move."""
    check_writable(recorder.root)  # before the camera and the countdown, not at frame one
    recorder.claim()
    progress = sys.stderr.isatty()  # a `\r` counter is for a terminal, not a log file
    session = TeachSession(time.perf_counter, per_class, rate, countdown)
    capture = CaptureThread(source, loop=True).start()
    shown, last = None, ""
    try:
        while not session.done:
            frame = capture.get(0.2)
            if capture.error is not None:
                raise capture.error
            if frame is None:
                if capture.stalled_for() > stall_timeout:
                    raise SourceError(f"{source.name} stopped delivering frames")
                continue
            step = session.step
            if step is not shown:
                shown = step
                if progress and session.total:
                    print(file=sys.stderr)  # end the last step's progress line
                vary = f" ({', '.join(HINTS).lower()} while it records)" if step.vary else ""
                print(f"[{step.label}] {step.prompt}{vary} - recording in {countdown:.0f} s",
                      file=sys.stderr)
            # No recognizer here: a hand step takes frames that differ from the empty room.
            if session.admit(None, thumbnail(frame.image)):
                recorder.save(step.label, frame.image)
            line = f"\r  {session.total} frames  {session.hint:<50}"
            if progress and session.total and line != last:
                last = line
                print(line, end="", file=sys.stderr, flush=True)
    finally:
        capture.stop()
        if progress:
            print(file=sys.stderr)
    return recorder.counts()
