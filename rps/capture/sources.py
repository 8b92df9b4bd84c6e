"""Frame sources: camera, video file, image folder, synthetic, and the CLI spec that picks one.

Every camera path also works with a file, a folder or generated frames, so the whole
product runs and is tested on a machine with no webcam.
"""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from rps.errors import SourceError

cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)  # our own errors say it once

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
DEMO_CLIP = Path(str(files("rps") / "assets" / "demo.mp4"))  # package data
SYNTHETIC_MIN, SYNTHETIC_MAX = 16, 4096  # a side; 16 frames of 4096x4096 are 800 MB already
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
        files = [path] if path.is_file() else sorted(
            p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
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
        if not (SYNTHETIC_MIN <= w <= SYNTHETIC_MAX and SYNTHETIC_MIN <= h <= SYNTHETIC_MAX):
            raise SourceError(f"synthetic size {w}x{h} is out of range: each side must be "
                              f"{SYNTHETIC_MIN}..{SYNTHETIC_MAX}")
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
