"""The OpenVINO engine: preprocessing baked into the model, an async infer-request ring,
results in frame order, and device / precision switches compiled in the background.

A switch never stops the stream: the new model compiles on a worker thread while the old
ring keeps serving; at the next submit the old ring is drained (its results keep their
place in the order) and the new one takes over.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import cv2
import openvino as ov
from openvino.preprocess import ColorFormat, PrePostProcessor, ResizeAlgorithm

from rps.devices import validate_device
from rps.errors import DeviceError, ModelError, RpsError
from rps.modelfiles import ModelFiles
from rps.types import Frame, Prediction

HINTS = ("LATENCY", "THROUGHPUT", "CUMULATIVE_THROUGHPUT")


def make_core(cache_dir: Path | None) -> ov.Core:
    """A Core with the model cache on, so a second compile of the same model is fast."""
    core = ov.Core()
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        core.set_property({"CACHE_DIR": str(cache_dir)})
    return core


def _first_line(exc: Exception) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    useful = [ln for ln in lines if not ln.startswith(("Exception from", "Check "))]
    return (useful or lines or [type(exc).__name__])[-1][:200]


def read_ir(core: ov.Core, xml: Path) -> ov.Model:
    try:
        return core.read_model(xml)
    except RuntimeError as exc:
        raise ModelError(
            f"cannot read {xml}: corrupt or not an OpenVINO IR ({_first_line(exc)})"
        ) from None


def prepare_model(core: ov.Core, files: ModelFiles, precision: str,
                  frame_hw: tuple[int, int]) -> ov.Model:
    """Read the IR, check it is a classifier matching the labels, embed preprocessing."""
    xml = files.xml(precision)
    model = read_ir(core, xml)
    if len(model.inputs) != 1 or len(model.outputs) < 1:
        raise ModelError(f"{xml}: expected one image input, found {len(model.inputs)}")
    out_shape = model.output(0).get_partial_shape()
    if out_shape.rank.is_dynamic or out_shape[-1].is_dynamic:
        raise ModelError(f"{xml}: output is not a class vector ({out_shape})")
    if out_shape[-1].get_length() != len(files.labels):
        raise ModelError(f"{xml} outputs {out_shape[-1].get_length()} classes but the labels "
                         f"name {len(files.labels)}: {', '.join(files.labels)}")
    return embed_preprocessing(model, files, frame_hw)


def embed_preprocessing(model: ov.Model, files: ModelFiles, frame_hw: tuple[int, int]
                        ) -> ov.Model:
    """u8 BGR NHWC frames of ``frame_hw`` in; resized, converted to RGB and scaled as the
    network expects (mean / scale from the model's metadata)."""
    shape = model.input(0).get_partial_shape()
    if shape.rank.get_length() != 4:
        raise ModelError(f"{files.root}: expected a 4-D image input, found {shape}")
    nchw = shape[1].is_static and shape[1].get_length() == 3
    size = files.input_size
    dims = [1, 3, size, size] if nchw else [1, size, size, 3]
    for i in (2, 3) if nchw else (1, 2):  # keep static spatial dims the model declares
        if shape[i].is_static:
            dims[i] = shape[i].get_length()
    model.reshape({model.input(0): ov.PartialShape(dims)})
    ppp = PrePostProcessor(model)
    ppp.input().tensor().set_element_type(ov.Type.u8).set_layout(ov.Layout("NHWC")) \
        .set_color_format(ColorFormat.BGR).set_shape([1, frame_hw[0], frame_hw[1], 3])
    ppp.input().model().set_layout(ov.Layout("NCHW" if nchw else "NHWC"))
    # Resize first, still in u8: shrinking a camera frame is the costliest step, and in u8
    # it runs ~2.3x faster than after the f32 conversion (measured on 640x480 frames).
    ppp.input().preprocess().resize(ResizeAlgorithm.RESIZE_LINEAR) \
        .convert_color(ColorFormat.RGB).convert_element_type(ov.Type.f32) \
        .mean(list(files.mean)).scale(list(files.scale))
    for i in range(len(model.outputs)):
        ppp.output(i).tensor().set_element_type(ov.Type.f32)
    return ppp.build()


@dataclass
class EngineEvent:
    """A switch's progress, for the HUD toast and the benchmark's timing."""

    kind: str  # "ready" or "failed"
    device: str
    precision: str
    message: str
    t: float


@dataclass
class Ring:
    """One compiled model and its infer requests."""

    device: str
    precision: str
    files: ModelFiles
    compiled: ov.CompiledModel
    queue: ov.AsyncInferQueue
    compile_ms: float

    @property
    def key(self) -> tuple[str, str, Path]:
        return self.device, self.precision, self.files.root

    @property
    def nireq(self) -> int:
        return len(self.queue)


class Engine:
    """Classifies frames on one device at a time; delivers Predictions in submission order."""

    def __init__(self, files: ModelFiles, device: str = "CPU", precision: str = "FP32", *,
                 frame_hw: tuple[int, int] = (480, 640), hint: str = "LATENCY", nireq: int = 0,
                 sync: bool = False, perf_counters: bool = False, core: ov.Core | None = None,
                 cache_dir: Path | None = None):
        if hint.upper() not in HINTS:
            raise RpsError(f"unknown hint {hint!r}: use one of {', '.join(HINTS)}")
        self.frame_hw = frame_hw
        self.hint = hint.upper()
        self.nireq = 1 if sync else nireq
        self.sync = sync
        self.perf_counters = perf_counters
        self.core = core or make_core(cache_dir)
        self.error: str | None = None
        self._cond = threading.Condition()
        self._done: dict[int, Prediction | None] = {}
        self._out: deque[Prediction] = deque()
        self._next_in = 0
        self._next_out = 0
        self._events: deque[EngineEvent] = deque()
        self._pending: Ring | None = None
        self._target: tuple[str, str, ModelFiles] | None = None
        self._closing = False
        self._switch_cond = threading.Condition()
        self._switcher: threading.Thread | None = None
        self.ring = self._build(device, precision, files)

    # ---- compile -------------------------------------------------------------------------
    def _config(self, device: str, precision: str) -> dict:
        config: dict = {"PERFORMANCE_HINT": self.hint}
        if self.perf_counters:
            config["PERF_COUNT"] = True
        if precision == "FP32":  # exact f32, not the bf16 / f16 default of some devices
            plain = device.split(":")[0] not in ("MULTI", "HETERO")
            props = self.core.get_property(device.split(":")[0], "SUPPORTED_PROPERTIES")
            if plain and (device.startswith("AUTO") or "INFERENCE_PRECISION_HINT" in props):
                config["INFERENCE_PRECISION_HINT"] = "f32"
        return config

    @property
    def files(self) -> ModelFiles:
        """The model being served."""
        return self.ring.files

    def _build(self, device: str, precision: str, files: ModelFiles) -> Ring:
        device = validate_device(self.core, device)
        precision = precision.upper()
        model = prepare_model(self.core, files, precision, self.frame_hw)
        t0 = time.perf_counter()
        try:
            compiled = self.core.compile_model(model, device, self._config(device, precision))
        except RuntimeError as exc:
            raise DeviceError(
                f"{device} could not compile {precision}: {_first_line(exc)}"
            ) from None
        compile_ms = (time.perf_counter() - t0) * 1000
        n = self.nireq or int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
        if not self.nireq and self.hint != "LATENCY":
            # One spare request per stream: while Python hands a result over, the stream
            # already has the next frame (1540 -> 1840 fps on 2 cores, benchmarks/).
            n *= 2
        queue = ov.AsyncInferQueue(compiled, max(1, n))
        ring = Ring(device, precision, files, compiled, queue, compile_ms)
        queue.set_callback(self._on_done)
        return ring

    # ---- the hot path --------------------------------------------------------------------
    def submit(self, frame: Frame) -> None:
        """Start inference on a frame; blocks only while every request of the ring is busy."""
        if self._pending is not None:
            self._swap()
        img = frame.image
        if img.shape[:2] != self.frame_hw:  # a camera reopened at another size
            img = cv2.resize(img, self.frame_hw[::-1])
        idx = self._next_in
        self._next_in += 1
        ring = self.ring
        # The frame rides along in userdata so its memory outlives the shared input tensor.
        ring.queue.start_async({0: img[None]}, (idx, frame, ring), share_inputs=True)
        if self.sync:
            ring.queue.wait_all()

    def _on_done(self, request: ov.InferRequest, userdata: tuple[int, Frame, Ring]) -> None:
        idx, frame, ring = userdata
        t_done = time.perf_counter()
        pred: Prediction | None
        try:
            scores = request.get_output_tensor(0).data.reshape(-1).copy()
            pred = Prediction(frame.seq, frame.t_capture, t_done, scores, ring.files.labels,
                              request.latency, ring.device, ring.precision)
        except Exception as exc:  # keep the order moving and surface the failure
            pred, self.error = None, f"inference failed on {ring.device}: {_first_line(exc)}"
        with self._cond:
            self._done[idx] = pred
            while self._next_out in self._done:
                p = self._done.pop(self._next_out)
                self._next_out += 1
                if p is not None:
                    self._out.append(p)
            self._cond.notify_all()

    def get(self, timeout: float | None = None) -> Prediction | None:
        """The next prediction in order, waiting up to ``timeout`` seconds."""
        with self._cond:
            if not self._out:
                self._cond.wait_for(lambda: bool(self._out), timeout)
            return self._out.popleft() if self._out else None

    def take(self, timeout: float | None = None) -> list[Prediction]:
        """Wait up to ``timeout`` for a prediction, then return all that are ready, in order
        (one wake-up for a burst of results)."""
        with self._cond:
            if not self._out:
                self._cond.wait_for(lambda: bool(self._out), timeout)
            out = list(self._out)
            self._out.clear()
            return out

    def poll(self) -> list[Prediction]:
        """Every prediction ready now, in order, without waiting."""
        return self.take(0)

    @property
    def undelivered(self) -> int:
        """Frames submitted whose prediction the consumer has not taken yet."""
        with self._cond:
            return self._next_in - self._next_out + len(self._out)

    def drain(self) -> None:
        """Wait for every submitted frame's result."""
        self.ring.queue.wait_all()

    # ---- switching -----------------------------------------------------------------------
    def request_switch(self, device: str | None = None, precision: str | None = None,
                       files: ModelFiles | None = None) -> None:
        """Compile another device, precision or model in the background; the latest
        request wins. A new model without the current precision is served in FP32."""
        with self._switch_cond:
            if precision is None:
                precision = self.ring.precision
                if files is not None and precision not in files.variants:
                    precision = "FP32"
            self._target = (device or self.ring.device, precision.upper(),
                            files or self.ring.files)
            if self._switcher is None:
                self._switcher = threading.Thread(target=self._switch_loop, name="rps-switch",
                                                  daemon=True)
                self._switcher.start()
            self._switch_cond.notify_all()

    def _switch_loop(self) -> None:
        while True:
            with self._switch_cond:
                self._switch_cond.wait_for(lambda: self._target is not None or self._closing)
                if self._closing:
                    return
                device, precision, files = self._target  # type: ignore[misc]
                self._target = None
            serving = self._pending or self.ring
            if serving.key == (device.upper(), precision, files.root):
                self._events.append(EngineEvent("ready", serving.device, precision,
                                                "already serving", time.perf_counter()))
                continue
            try:
                ring = self._build(device, precision, files)
            except RpsError as exc:
                self._events.append(EngineEvent("failed", device, precision, str(exc),
                                                time.perf_counter()))
                continue
            with self._switch_cond:
                self._pending = ring  # picked up by the next submit()

    def _swap(self) -> None:
        with self._switch_cond:
            new, self._pending = self._pending, None
        if new is None:
            return
        self.ring.queue.wait_all()  # old results land first, in order
        self.ring = new
        self._events.append(EngineEvent("ready", new.device, new.precision,
                                        f"compiled in {new.compile_ms:.0f} ms",
                                        time.perf_counter()))

    @property
    def switching(self) -> bool:
        return self._target is not None or self._pending is not None

    def events(self) -> list[EngineEvent]:
        out = []
        while self._events:
            out.append(self._events.popleft())
        return out

    # ---- reporting and shutdown ----------------------------------------------------------
    def perf_counts(self) -> list[ov.ProfilingInfo]:
        """Per-layer counters of the last request (needs ``perf_counters=True``)."""
        return list(self.ring.queue[0].get_profiling_info())

    def close(self) -> None:
        with self._switch_cond:
            self._closing = True
            self._switch_cond.notify_all()
        if self._switcher is not None:
            self._switcher.join(5.0)
        self.ring.queue.wait_all()
