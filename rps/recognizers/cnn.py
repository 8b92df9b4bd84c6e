"""The CNN recognizer: one classifier IR reads the whole frame as none / rock / paper /
scissors, served by an AsyncInferQueue (one request per stream, a spare one for throughput
hints)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import openvino as ov

from rps.errors import ModelError
from rps.inference.backend import Backend, compile_timed
from rps.inference.core import first_line
from rps.inference.modelfiles import ModelFiles, load_model_files
from rps.inference.ov_backend import as_backend, infer_queue
from rps.inference.preprocess import embed_preprocessing
from rps.types import Frame, Prediction, RingSettings


def prepare_model(backend: Backend | ov.Core, files: ModelFiles, precision: str,
                  frame_hw: tuple[int, int]) -> ov.Model:
    """Read the IR, check it is a classifier matching the labels, embed preprocessing."""
    xml = files.xml(precision)
    model = as_backend(backend).read(xml)
    if len(model.inputs) != 1 or len(model.outputs) < 1:
        raise ModelError(f"{xml}: expected one image input, found {len(model.inputs)}")
    out_shape = model.output(0).get_partial_shape()
    if out_shape.rank.is_dynamic or out_shape[-1].is_dynamic:
        raise ModelError(f"{xml}: output is not a class vector ({out_shape})")
    if out_shape[-1].get_length() != len(files.labels):
        raise ModelError(f"{xml} outputs {out_shape[-1].get_length()} classes but the labels "
                         f"name {len(files.labels)}: {', '.join(files.labels)}")
    return embed_preprocessing(model, files, frame_hw)


@dataclass(frozen=True)
class CnnModel:
    """A classifier model folder (shipped, personal or converted) as a RecognizerModel."""

    files: ModelFiles
    kind: ClassVar[str] = "cnn"
    max_hands: ClassVar[int] = 0  # it reads the whole frame, no hands
    stage_names: ClassVar[tuple[str, ...]] = ()
    teachable: ClassVar[bool] = True  # its head is refitted on the recorded frames

    @property
    def root(self) -> Path:
        return self.files.root

    @property
    def name(self) -> str:
        return self.files.name

    @property
    def labels(self) -> tuple[str, ...]:
        return self.files.labels

    def with_hands(self, n: int) -> CnnModel:
        return self

    @property
    def any_size(self) -> bool:
        """No: the IR's embedded resize is built for the camera's frame size."""
        return False

    @property
    def variants(self) -> dict[str, Path]:
        return self.files.variants

    @property
    def default_precision(self) -> str:
        return "FP32"

    def build(self, backend: Backend, device: str, precision: str, frame_hw: tuple[int, int],
              settings: RingSettings) -> CnnRecognizer:
        model = prepare_model(backend, self.files, precision, frame_hw)
        compiled, compile_ms = compile_timed(backend, model, device, precision, settings)
        n = settings.nireq or int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
        if not settings.nireq and settings.hint != "LATENCY":
            # One spare request per stream: while Python hands a result over, the stream
            # already has the next frame (1540 -> 1840 fps on 2 cores, benchmarks/).
            n *= 2
        return CnnRecognizer(self, device, precision, compiled, max(1, n), compile_ms)


def load_cnn(path: str | Path | None = None) -> CnnModel:
    return CnnModel(load_model_files(path))


class CnnRecognizer:
    """One compiled classifier and its infer requests."""

    def __init__(self, model: CnnModel, device: str, precision: str,
                 compiled: ov.CompiledModel, nireq: int, compile_ms: float):
        self.model = model
        self.device = device
        self.precision = precision
        self.compiled = compiled
        self.compile_ms = compile_ms
        self.queue = infer_queue(compiled, nireq)
        self.queue.set_callback(self._on_done)

    @property
    def nireq(self) -> int:
        return len(self.queue)

    def start(self, frame: Frame, done: Callable[[Prediction | str], None]) -> None:
        # The frame rides along in userdata so its memory outlives the shared input tensor.
        self.queue.start_async({0: frame.image[None]}, (frame, done), share_inputs=True)

    def _on_done(self, request: ov.InferRequest,
                 userdata: tuple[Frame, Callable[[Prediction | str], None]]) -> None:
        frame, done = userdata
        t_done = time.perf_counter()
        try:
            scores = request.get_output_tensor(0).data.reshape(-1).copy()
            result: Prediction | str = Prediction(
                frame.seq, frame.t_capture, t_done, scores, self.model.labels,
                request.latency, self.device, self.precision)
        except Exception as exc:  # keep the order moving and surface the failure
            result = f"inference failed on {self.device}: {first_line(exc)}"
        done(result)

    def wait_all(self) -> None:
        self.queue.wait_all()

    def perf_counts(self) -> list[ov.ProfilingInfo]:
        """Per-layer counters of the last request (needs ``perf_counters``)."""
        return list(self.queue[0].get_profiling_info())
