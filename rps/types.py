"""The typed seams between the stages: capture -> inference -> game -> app.

Kept free of openvino, cv2 and pygame so that pure game logic can import them. The engine
(``rps.inference``) runs any recognizer through the two protocols at the end of this file;
recognizers (``rps.recognizers``) implement them with OpenVINO helpers from
``rps.inference``, so the dependency runs one way: recognizers -> inference -> types.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

CLASSES: tuple[str, ...] = ("none", "rock", "paper", "scissors")
PRECISIONS: tuple[str, ...] = ("FP32", "FP16", "INT8")


@dataclass(frozen=True, slots=True)
class Frame:
    """One captured image: BGR uint8 HxWx3, numbered and stamped when it was read."""

    seq: int
    t_capture: float  # time.perf_counter() when the frame was read
    image: np.ndarray

    def __post_init__(self) -> None:
        img = self.image
        if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != 3:
            raise ValueError(f"Frame.image must be HxWx3 uint8, got {img.dtype} {img.shape}")


@dataclass(frozen=True, slots=True)
class Hand:
    """One hand the hand recognizer found: where it is and how it is read."""

    landmarks: np.ndarray  # 21 x 3 frame pixels (x, y, depth), MediaPipe's landmark order
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 of the landmarks, frame pixels
    handedness: str  # "Left" / "Right": the player's own hand, for an unmirrored camera
    presence: float  # the landmark model's hand flag
    scores: np.ndarray  # class scores of this hand, in the Prediction's label order

    def __post_init__(self) -> None:
        if self.landmarks.shape != (21, 3):
            raise ValueError(f"Hand.landmarks must be 21 x 3, got {self.landmarks.shape}")


@dataclass(frozen=True, slots=True)
class Prediction:
    """Class scores for one frame, with the times the latency metrics are built from, and
    the hands behind them when the recognizer reads hands."""

    seq: int
    t_capture: float
    t_done: float
    scores: np.ndarray  # one probability per label
    labels: tuple[str, ...]
    infer_ms: float  # pure inference time reported by the infer request(s)
    device: str
    precision: str
    hands: tuple[Hand, ...] = ()
    stages_ms: tuple[tuple[str, float], ...] = ()  # per-stage time, multi-stage recognizers
    palm_ran: bool = False  # the hand recognizer ran palm detection on this frame

    def __post_init__(self) -> None:
        if len(self.scores) != len(self.labels):
            raise ValueError(f"{len(self.scores)} scores for {len(self.labels)} labels")

    @property
    def index(self) -> int:
        return int(np.argmax(self.scores))

    @property
    def label(self) -> str:
        return self.labels[self.index]

    @property
    def confidence(self) -> float:
        return float(self.scores[self.index])

    @property
    def latency_ms(self) -> float:
        """Capture-to-result latency."""
        return (self.t_done - self.t_capture) * 1000.0


@dataclass(frozen=True, slots=True)
class LatencyStats:
    """Median / p95 / max of a latency window, in milliseconds (NaN when empty)."""

    median: float = float("nan")
    p95: float = float("nan")
    max: float = float("nan")
    mean: float = float("nan")
    min: float = float("nan")

    @classmethod
    def of(cls, values_ms: list[float] | np.ndarray) -> LatencyStats:
        v = np.asarray(values_ms, dtype=np.float64)
        if v.size == 0:
            return cls()
        return cls(
            median=float(np.median(v)),
            p95=float(np.percentile(v, 95)),
            max=float(v.max()),
            mean=float(v.mean()),
            min=float(v.min()),
        )


@dataclass(frozen=True, slots=True)
class Metrics:
    """A snapshot of the live pipeline over the last sliding window."""

    capture_fps: float = 0.0
    infer_fps: float = 0.0
    display_fps: float = 0.0
    latency: LatencyStats = field(default_factory=LatencyStats)  # capture -> result
    infer: LatencyStats = field(default_factory=LatencyStats)  # pure inference
    dropped: int = 0  # frames replaced before the engine took them, since the last reset
    device: str = ""
    precision: str = ""


@dataclass(frozen=True, slots=True)
class RingSettings:
    """How the engine wants a recognizer compiled and fed: performance hint, infer requests
    (0: the device's optimal number), per-layer counters, and ``sync`` (one frame at a
    time, each finished before the next is submitted)."""

    hint: str = "LATENCY"
    nireq: int = 0
    perf_counters: bool = False
    sync: bool = False


class Recognizer(Protocol):
    """A recognizer compiled for one device and precision: what the engine serves.

    ``start`` may block while every request is busy; ``done`` is then called exactly once for
    that frame, from any thread, with its Prediction (its ``stages_ms`` are the stage
    times of that frame, returned with it) or a one-line error.
    """

    device: str
    precision: str
    compile_ms: float
    model: RecognizerModel

    @property
    def nireq(self) -> int: ...

    def start(self, frame: Frame, done: Callable[[Prediction | str], None]) -> None: ...

    def wait_all(self) -> None: ...

    def perf_counts(self) -> list: ...


class RecognizerModel(Protocol):
    """What a player picks and switches between (shipped, personal, another recognizer): model
    files on disk that ``build`` compiles into a Recognizer. Callers ask it, never check
    its class: what it reads, how many hands, whether it can be taught."""

    root: Path  # where its files are; equal models (files and options) on one device and
    # precision are one recognizer, so a model must compare equal by value (frozen dataclass)

    @property
    def kind(self) -> str: ...  # its registry name (rps.recognizers): "hand", "cnn", ...

    @property
    def name(self) -> str: ...

    @property
    def labels(self) -> tuple[str, ...]: ...  # class names, in score order; "none" among them

    @property
    def default_precision(self) -> str: ...  # what a command runs when none is asked for

    @property
    def any_size(self) -> bool: ...  # reads frames of any size as they are (else resized)

    @property
    def variants(self) -> Collection[str]: ...  # the precisions it ships

    @property
    def max_hands(self) -> int: ...  # hands it reads per frame; 0: reads no hands

    @property
    def stage_names(self) -> tuple[str, ...]: ...  # the stages whose times it reports

    @property
    def teachable(self) -> bool: ...  # a refit on the player's recording personalizes it

    def with_hands(self, n: int) -> RecognizerModel: ...  # the same, reading n hands
    # (one that reads no hands returns itself)

    def build(self, backend: Any, device: str, precision: str, frame_hw: tuple[int, int],
              settings: RingSettings) -> Recognizer: ...  # backend: rps.inference.backend
