"""The hand recognizer: MediaPipe's palm detector and hand-landmark model on OpenVINO, then
a small gesture classifier on the landmarks, as one Recognizer the engine serves.

Stages run in order on the engine's pump thread (tracking needs the last frame's answer
before the next frame starts); every OpenVINO call releases the GIL, and the capture thread
keeps replacing frames meanwhile, so latency never builds up. The hands of one frame go
through the landmark model as parallel requests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

import numpy as np
import openvino as ov

from rps.errors import ModelError, RpsError
from rps.inference.backend import Backend, compile_timed
from rps.inference.core import first_line
from rps.inference.modelfiles import SHIPPED_MODELS, ModelFiles, load_model_files
from rps.inference.ov_backend import as_backend
from rps.inference.preprocess import embed_unit_scaling
from rps.inference.served import is_remote
from rps.recognizers.hand import features, palm
from rps.recognizers.hand.second import SecondOpinion, compile_second, second_files
from rps.recognizers.hand.stages import LANDMARK_SIZE, HandStages
from rps.recognizers.hand.tracker import Reading
from rps.types import Frame, Hand, Prediction, RingSettings

DEFAULT_HAND_MODEL = SHIPPED_MODELS / "rps-hand"
DEFAULT_STAGES = SHIPPED_MODELS / "mediapipe-hands"


@dataclass(frozen=True)
class HandModel:
    """The gesture classifier's folder, with the palm and landmark stages it runs on
    (``metadata.json`` ``stages``, else the shipped MediaPipe IR)."""

    files: ModelFiles
    palm: ModelFiles
    landmarks: ModelFiles
    max_hands: int = 1
    track: bool = True  # False: every frame is a still image (rps eval)
    realtime: bool = True  # False: a stream's search is never spread over frames (rps eval)
    second: ModelFiles | None = None  # the CNN vouching for doubted hands (``second``)
    jpeg: ModelFiles | None = None  # the landmark model for blocky frames (``stages``)
    kind: ClassVar[str] = "hand"
    stage_names: ClassVar[tuple[str, ...]] = ("palm", "landmarks", "classifier")
    teachable: ClassVar[bool] = True  # the classifier's last layer, on the recorded hands

    @property
    def root(self) -> Path:
        return self.files.root

    @property
    def name(self) -> str:
        return self.files.name

    @property
    def labels(self) -> tuple[str, ...]:
        return self.files.labels

    def with_hands(self, n: int) -> HandModel:
        return replace(self, max_hands=n)

    @property
    def any_size(self) -> bool:
        """Yes: each frame is letterboxed for the palm detector and cropped per hand."""
        return True

    @property
    def variants(self) -> list[str]:
        """Precisions of the palm and landmark stages; the classifier is tiny and runs in
        FP32 where it has no variant of its own."""
        return [p for p in self.palm.variants if p in self.landmarks.variants]

    @property
    def default_precision(self) -> str:
        """FP16 where shipped: on a CPU with bf16 it runs ~1.3x faster than exact FP32 with
        landmarks within 0.3% of hand size (scripts/hand_precisions.py); elsewhere FP16 is
        the GPU's and NPU's own precision, and a CPU without bf16 runs it in f32."""
        return "FP16" if "FP16" in self.variants else "FP32"

    def build(self, backend: Backend, device: str, precision: str, frame_hw: tuple[int, int],
              settings: RingSettings) -> HandRecognizer:
        if precision not in self.variants:
            raise ModelError(f"hand model {self.name} has no {precision} variant for every "
                             f"stage (has: {', '.join(self.variants) or 'none'})")
        stages, ms = compile_stages(backend, self.palm, self.landmarks, device, precision,
                                    settings, self.max_hands, self.track, self.realtime,
                                    None if is_remote(device) else self.jpeg)
        cls_precision = precision if precision in self.files.variants else "FP32"
        cls_ir = prepare_classifier(backend, self.files, cls_precision)
        # Remote devices: the classifier (microseconds) stays here, cheaper than a round trip
        here = "CPU" if is_remote(device) else device
        classifier, cls_ms = compile_timed(backend, cls_ir, here, cls_precision,
                                           RingSettings(settings.hint))
        # A remote device takes the image models off this machine: no second opinion there
        second, cnn_ms = compile_second(backend, self.second, device, precision, settings) \
            if self.second and not is_remote(device) else (None, 0.0)
        return HandRecognizer(self, device, precision, stages, classifier, second,
                              ms + cls_ms + cnn_ms)

    def stages(self, backend: Backend | ov.Core | None = None, device: str = "CPU",
               precision: str = "FP32") -> HandStages:
        """The palm and landmark stages alone, no classifier (tools that read landmarks)."""
        return compile_stages(as_backend(backend), self.palm, self.landmarks, device,
                              precision, RingSettings(), self.max_hands, self.track,
                              self.realtime, self.jpeg)[0]


def compile_stages(backend: Backend, palm_files: ModelFiles, lm_files: ModelFiles,
                   device: str, precision: str, settings: RingSettings, max_hands: int = 1,
                   track: bool = True, realtime: bool = True, jpeg: ModelFiles | None = None
                   ) -> tuple[HandStages, float]:
    """Palm detector and landmark model compiled, with preprocessing embedded (and the
    landmark model for blocky frames: its one file, run at ``precision``); and the
    milliseconds the compiles took."""
    palm_ir, lm_ir = prepare_stages(backend, palm_files, lm_files, precision)
    (p, t1), (lm, t2) = (compile_timed(backend, ir, device, precision, settings)
                         for ir in (palm_ir, lm_ir))
    blocky, t3 = None, 0.0
    if jpeg is not None:
        at = precision if precision in jpeg.variants else next(iter(jpeg.variants))
        blocky_ir = embed_unit_scaling(backend.read(jpeg.xml(at)), LANDMARK_SIZE)
        check_landmarks(blocky_ir, jpeg.root)
        try:
            blocky, t3 = compile_timed(backend, blocky_ir, device, precision, settings)
        except RpsError:  # it only helps heavy JPEG: MediaPipe's model reads every frame
            blocky = None
    return HandStages(p, lm, max_hands, track, realtime, blocky), t1 + t2 + t3


def prepare_stages(backend: Backend, palm_files: ModelFiles, lm_files: ModelFiles,
                   precision: str) -> tuple[ov.Model, ov.Model]:
    """The palm and landmark IR as compiled, u8 in (`rps serve` serves these)."""
    palm_ir = embed_unit_scaling(backend.read(palm_files.xml(precision)), palm.SIZE)
    lm_ir = embed_unit_scaling(backend.read(lm_files.xml(precision)), LANDMARK_SIZE)
    check_stages(palm_ir, lm_ir, palm_files.root)
    return palm_ir, lm_ir


def prepare_classifier(backend: Backend, files: ModelFiles, precision: str) -> ov.Model:
    """The gesture classifier as compiled: one hand's pose features a request."""
    ir = read_classifier(backend, files, precision)
    ir.reshape({ir.input(0): ov.PartialShape([1, features.SIZE])})
    return ir


def check_stages(palm_ir: ov.Model, lm_ir: ov.Model, where: Path) -> None:
    shapes = [tuple(o.get_partial_shape().to_shape()) for o in palm_ir.outputs]
    if sorted(shapes) != [(1, 2016, 1), (1, 2016, 18)]:
        raise ModelError(f"{where}: not MediaPipe's palm detector (outputs {shapes})")
    check_landmarks(lm_ir, where)


def check_landmarks(lm_ir: ov.Model, where: Path) -> None:
    if len(lm_ir.outputs) != 4 or tuple(lm_ir.output(0).get_partial_shape().to_shape()) != (
            1, 63):
        raise ModelError(f"{where}: not MediaPipe's hand landmark model")


def read_classifier(backend: Backend | ov.Core, files: ModelFiles, precision: str = "FP32"
                    ) -> ov.Model:
    """The gesture classifier's IR, checked before anything compiles: it takes one vector
    of pose features and gives one score per label, `none` among them (a CNN folder given
    as the hand model is one clear line, not an OpenVINO shape error)."""
    ir = as_backend(backend).read(files.xml(precision))
    shape = ir.input(0).get_partial_shape()
    if len(ir.inputs) != 1 or shape.rank.is_dynamic or shape.rank.get_length() != 2 or \
            shape[1].is_dynamic or shape[1].get_length() != features.SIZE:
        raise ModelError(f"{files.root}: not a hand gesture classifier (input {shape}, "
                         f"expected [batch, {features.SIZE}] pose features); a CNN model "
                         "needs --recognizer cnn")
    out, labels = ir.output(0).get_partial_shape(), files.labels
    if out[-1].is_dynamic or out[-1].get_length() != len(labels) or "none" not in labels:
        raise ModelError(f"{files.root}: the classifier outputs {out} but the labels "
                         f"are {', '.join(labels)} (they must match and include none)")
    return ir


def load_hand(path: str | Path | None = None, max_hands: int = 1, track: bool = True,
              realtime: bool = True) -> HandModel:
    """A classifier folder and its stages: metadata ``stages`` is a folder with ``palm/`` and
    ``landmarks/`` (and, if there, ``landmarks-jpeg/``: ``stages``), relative to the
    classifier's folder or absolute (a personal model in the user data folder records the
    shipped stages' absolute path); missing, or not found there (a folder moved to another
    machine), it is the shipped MediaPipe IR."""
    files = load_model_files(path or DEFAULT_HAND_MODEL)
    stages = files.metadata.get("stages")
    base = (files.root / stages).resolve() if isinstance(stages, str) and stages else \
        DEFAULT_STAGES
    if not ((base / "palm").is_dir() and (base / "landmarks").is_dir()):
        base = DEFAULT_STAGES
    jpeg = base / "landmarks-jpeg"
    return HandModel(files, load_model_files(base / "palm", need_labels=False),
                     load_model_files(base / "landmarks", need_labels=False), max_hands, track,
                     realtime, second_files(),
                     load_model_files(jpeg, need_labels=False) if jpeg.is_dir() else None)


class HandRecognizer:
    """The stages, then the gesture classifier on each hand's pose features."""

    nireq = 1

    def __init__(self, model: HandModel, device: str, precision: str, stages: HandStages,
                 classifier: ov.CompiledModel, second: SecondOpinion | None, compile_ms: float):
        self.model = model
        self.device = device
        self.precision = precision
        self.compile_ms = compile_ms
        self.stages = stages
        self._cls = classifier.create_infer_request()
        self._second = second
        self._second_ms = 0.0  # this frame's second opinions, counted as classifier time
        if second:
            stages.tracker.searcher.vouch = self._vouch

    def _vouch(self, image: np.ndarray, reading: Reading) -> bool:
        """A doubted hand is one when its landmarks read a throw and the CNN reads the same
        throw in a crop around it (``second``)."""
        t0 = time.perf_counter()
        throw = self.model.labels[int(np.argmax(self.classify([reading])[0]))]
        sure = throw != "none" and self._second is not None and \
            self._second.throw(image, reading.landmarks) == throw
        self._second_ms += (time.perf_counter() - t0) * 1000
        return sure

    def classify(self, readings: list[Reading]) -> list[np.ndarray]:
        out = []
        for r in readings:
            self._cls.infer({0: features.features(r.landmarks)[None]})
            out.append(self._cls.get_output_tensor(0).data.reshape(-1).copy())
        return out

    # ---- the Recognizer protocol -----------------------------------------------------------
    def start(self, frame: Frame, done: Callable[[Prediction | str], None]) -> None:
        try:
            result: Prediction | str = self.read(frame)
        except Exception as exc:  # keep the order moving and surface the failure
            result = f"inference failed on {self.device}: {first_line(exc)}"
        done(result)

    def read(self, frame: Frame) -> Prediction:
        self._second_ms = 0.0  # the stages below may ask for second opinions
        found = self.stages.read(frame.image)
        readings = found.readings
        t0 = time.perf_counter()
        scores = self.classify(readings)
        ms = {**found.ms, "classifier": (time.perf_counter() - t0) * 1000 + self._second_ms}
        labels = self.model.labels
        hands = tuple(Hand(r.landmarks, _box(r.landmarks), r.handedness, r.presence, s)
                      for r, s in zip(readings, scores, strict=True))
        frame_scores = scores[0] if scores else np.eye(len(labels), dtype=np.float32)[
            labels.index("none")]
        return Prediction(frame.seq, frame.t_capture, time.perf_counter(), frame_scores, labels,
                          sum(ms.values()), self.device, self.precision, hands=hands,
                          stages_ms=tuple(ms.items()), palm_ran=found.palm_ran)

    def wait_all(self) -> None:
        """Nothing in flight: each frame is finished before start() returns."""

    def perf_counts(self) -> list:
        return self.stages.perf_counts()


def _box(landmarks: np.ndarray) -> tuple[float, float, float, float]:
    lo, hi = landmarks[:, :2].min(0), landmarks[:, :2].max(0)
    return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])
