"""Frame sources (camera, video file, image folder, synthetic) and the capture thread.

The capture thread keeps only the newest frame: a frame the engine has not taken yet is
replaced by a newer one and counted as dropped, so latency never builds up behind a slow
device. In ``max`` mode (benchmarks, offline files) it waits for the engine instead, so every
frame is used and nothing is dropped.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from rps.errors import SourceError
from rps.metrics import MetricsRecorder
from rps.types import Frame

cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)  # our own errors say it once

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
DEMO_CLIP = Path(__file__).resolve().parent.parent / "assets" / "demo.mp4"
HINT = "try --source path/to/video.mp4, an image folder, or --demo"


class FrameSource(Protocol):
    """What the capture thread reads from. ``read`` returns None at the end of the stream."""

    name: str
    fps: float  # native frame rate, used for pacing non-live sources
    live: bool  # a camera paces itself and may come back after a failure

    def read(self) -> np.ndarray | None: ...

    def rewind(self) -> bool: ...

    def close(self) -> None: ...


class CameraSource:
    """A webcam by index, with a one-frame driver buffer so frames are fresh."""

    live = True

    def __init__(self, index: int, open_timeout_ms: int = 3000, read_timeout_ms: int = 2000):
        self.index = index
        self.name = f"camera {index}"
        self._params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, open_timeout_ms,
            cv2.CAP_PROP_READ_TIMEOUT_MSEC, read_timeout_ms,
        ]
        self._cap = self._open()
        if self._cap is None:
            raise SourceError(f"no camera at index {index}: {HINT}")
        self.fps = self._cap.get(cv2.CAP_PROP_FPS) or 30.0

    def _open(self) -> cv2.VideoCapture | None:
        cap = cv2.VideoCapture(self.index, cv2.CAP_ANY, self._params)
        if not cap.isOpened():
            cap.release()
            return None
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
        return cap

    def read(self) -> np.ndarray | None:
        ok, img = self._cap.read() if self._cap is not None else (False, None)
        return img if ok else None

    def rewind(self) -> bool:
        """Reopen the device after it stopped delivering (unplugged, driver reset)."""
        if self._cap is not None:
            self._cap.release()
        self._cap = self._open()
        return self._cap is not None

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()


class VideoSource:
    """A video file; fails at open time when the file cannot be opened or decoded."""

    live = False

    def __init__(self, path: Path):
        self.name = f"video {path}"
        self._cap = cv2.VideoCapture(str(path))
        first = self._cap.read()[1] if self._cap.isOpened() else None
        if first is None:
            self._cap.release()
            raise SourceError(f"cannot read video {path}: not a playable video file; {HINT}")
        self._first: np.ndarray | None = first
        self.fps = self._cap.get(cv2.CAP_PROP_FPS) or 30.0

    def read(self) -> np.ndarray | None:
        if self._first is not None:
            img, self._first = self._first, None
            return img
        ok, img = self._cap.read()
        return img if ok else None

    def rewind(self) -> bool:
        return bool(self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0))

    def close(self) -> None:
        self._cap.release()


class ImageFolderSource:
    """Images of a folder in name order, all resized to the first one's size."""

    live = False

    def __init__(self, path: Path, fps: float = 30.0):
        self.name = f"images in {path}"
        self.fps = fps
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if path.is_file():
            files = [path]
        if not files:
            raise SourceError(f"no images ({', '.join(sorted(IMAGE_SUFFIXES))}) in {path}")
        self._files = files
        self._i = 0
        first = self._load(files[0])
        self._size = (first.shape[1], first.shape[0])

    @staticmethod
    def _load(path: Path) -> np.ndarray:
        img = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if img is None:
            raise SourceError(f"cannot read image {path}: not a readable image file")
        return img

    def read(self) -> np.ndarray | None:
        if self._i >= len(self._files):
            return None
        img = self._load(self._files[self._i])
        self._i += 1
        if (img.shape[1], img.shape[0]) != self._size:
            img = cv2.resize(img, self._size, interpolation=cv2.INTER_AREA)
        return img

    def rewind(self) -> bool:
        self._i = 0
        return True

    def close(self) -> None:
        pass


class SyntheticSource:
    """Generated frames (moving shapes on gradients) for tests and pure-throughput benchmarks."""

    live = False

    def __init__(self, width: int = 640, height: int = 480, fps: float = 30.0, count: int = 0,
                 distinct: int = 16, seed: int = 0):
        self.name = f"synthetic {width}x{height}"
        self.fps = fps
        self._count = count  # 0 = endless
        self._n = 0
        rng = np.random.default_rng(seed)
        yy, xx = np.mgrid[0:height, 0:width]
        self._frames = []
        for i in range(distinct):
            base = rng.integers(0, 255, 3)
            img = ((xx / width)[..., None] * base + (yy / height)[..., None] * (255 - base))
            img = img.astype(np.uint8)
            cx, cy = int(width * (0.2 + 0.6 * i / distinct)), int(height * 0.5)
            cv2.circle(img, (cx, cy), height // 5, rng.integers(0, 255, 3).tolist(), -1)
            img.flags.writeable = False  # shared by many Frames
            self._frames.append(img)

    def read(self) -> np.ndarray | None:
        if self._count and self._n >= self._count:
            return None
        img = self._frames[self._n % len(self._frames)]
        self._n += 1
        return img

    def rewind(self) -> bool:
        self._n = 0
        return True

    def close(self) -> None:
        pass


def open_source(spec: str | int | Path, fps: float | None = None) -> FrameSource:
    """Open a source from a CLI spec: camera index, video file, image folder or 'synthetic'."""
    text = str(spec)
    if text.isdigit():
        return CameraSource(int(text))
    if text == "demo":
        text = str(DEMO_CLIP)
    if text.startswith("synthetic"):
        size = text.partition(":")[2] or "640x480"
        try:
            w, h = (int(v) for v in size.lower().split("x"))
        except ValueError:
            raise SourceError(f"bad synthetic size {size!r}: use e.g. synthetic:640x480") from None
        return SyntheticSource(w, h, fps=fps or 30.0)
    path = Path(text).expanduser()
    if not path.exists():
        raise SourceError(f"no such source: {path} does not exist; {HINT}")
    if path.is_dir() or path.suffix.lower() in IMAGE_SUFFIXES:
        return ImageFolderSource(path, fps=fps or 30.0)
    source = VideoSource(path)
    if fps:
        source.fps = fps
    return source


def pick_source(spec: str, demo: bool = False, fps: float | None = None
                ) -> tuple[FrameSource, str]:
    """What `rps play` / `rps collect` open: ``auto`` is camera 0, or the bundled demo clip
    when there is no camera (with a note saying so)."""
    if demo:
        return open_source("demo", fps=fps), ""
    if spec == "auto":
        try:
            return CameraSource(0), ""
        except SourceError:
            note = "No camera found: playing the bundled demo clip (rps play --demo)"
            print(note, file=sys.stderr)
            return open_source("demo", fps=fps), note
    return open_source(spec, fps=fps), ""


class CaptureThread:
    """Reads a source on its own thread and hands the newest frame to one consumer.

    ``paced``: non-live sources are played at their frame rate, as a camera would deliver them;
    otherwise as fast as the consumer takes them, every frame in order, a few read ahead so
    the consumer never waits on a hand-over. ``loop`` rewinds files at their end.
    A live source that stops delivering is retried; ``stalled_for()`` tells for how long.
    """

    def __init__(self, source: FrameSource, paced: bool = True, loop: bool = False,
                 metrics: MetricsRecorder | None = None, max_frames: int = 0):
        self.source = source
        self.paced = paced
        self.loop = loop
        self.metrics = metrics
        self.max_frames = max_frames
        self.dropped = 0
        self.captured = 0
        self.finished = False
        self.error: Exception | None = None
        self._cond = threading.Condition()
        self._max_mode = not paced and not source.live
        self._depth = 4 if self._max_mode else 1
        self._frames: deque[Frame] = deque()
        self._stop = threading.Event()
        self._last_frame_t = time.perf_counter()
        self._thread = threading.Thread(target=self._run, name="rps-capture", daemon=True)

    def start(self) -> CaptureThread:
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)
        self.source.close()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def stalled_for(self) -> float:
        """Seconds since the last frame arrived (0 while frames flow)."""
        return time.perf_counter() - self._last_frame_t

    def get(self, timeout: float = 0.1) -> Frame | None:
        """The newest frame not yet taken (in max mode: the next one in order), or None if
        none came within ``timeout``."""
        with self._cond:
            if not self._frames:
                self._cond.wait_for(
                    lambda: bool(self._frames) or self.finished or self._stop.is_set(),
                    timeout,
                )
            if not self._frames:
                return None
            frame = self._frames.popleft()
            if self._max_mode:
                self._cond.notify_all()  # room for the reader again
        return frame

    def _put(self, frame: Frame) -> None:
        with self._cond:
            if self._max_mode:
                self._cond.wait_for(lambda: len(self._frames) < self._depth
                                    or self._stop.is_set())
            elif self._frames:  # the engine has not taken it: replace it, count the drop
                self._frames.clear()
                self.dropped += 1
                if self.metrics:
                    self.metrics.on_drop()
            self._frames.append(frame)
            self._cond.notify_all()

    def _run(self) -> None:
        try:
            self._loop()
        except Exception as exc:  # surfaced to the consumer, never lost on this thread
            self.error = exc if isinstance(exc, SourceError) else SourceError(
                f"{self.source.name} failed: {exc}")
        finally:
            with self._cond:
                self.finished = True
                self._cond.notify_all()

    def _loop(self) -> None:
        src = self.source
        period = 1.0 / src.fps if self.paced and not src.live and src.fps > 0 else 0.0
        t_next = time.perf_counter()
        while not self._stop.is_set():
            if self.max_frames and self.captured >= self.max_frames:
                return
            img = src.read()
            if img is None:
                if src.live:  # camera lost: retry until it returns or we are stopped
                    self._stop.wait(0.2)
                    src.rewind()
                    continue
                if self.loop and src.rewind():
                    continue
                return
            if period:
                t_next += period
                delay = t_next - time.perf_counter()
                if delay > 0:
                    self._stop.wait(delay)
                else:
                    t_next = time.perf_counter()  # fell behind: do not burst to catch up
            t = time.perf_counter()
            self._last_frame_t = t
            self.captured += 1
            if self.metrics:
                self.metrics.on_capture(t)
            self._put(Frame(self.captured, t, img))
