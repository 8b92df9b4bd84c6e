"""The OpenVINO backend: the local Core and its model cache, its devices, and compiling
with the performance hint and exact f32 for FP32 (``rps.inference.core``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openvino as ov

from rps.inference.backend import Backend, DeviceInfo
from rps.inference.core import compile_config, compile_on, make_core, read_ir
from rps.inference.devices import list_devices, short_name, validate_device
from rps.types import RingSettings


class OpenVinoBackend:
    """A Backend on one ``ov.Core`` (made with the model cache when none is given)."""

    def __init__(self, core: ov.Core | None = None, cache_dir: Path | None = None):
        self.core = core or make_core(cache_dir)
        self._labels: dict[str, str] = {}

    def devices(self) -> list[DeviceInfo]:
        return list_devices(self.core)

    def describe(self, device: str) -> str:
        """Asked of OpenVINO once per device, not every frame the HUD draws it."""
        if device not in self._labels:
            self._labels[device] = short_name(self.core, device)
        return self._labels[device]

    def validate(self, device: str) -> str:
        return validate_device(self.core, device)

    def read(self, xml: Path) -> ov.Model:
        return read_ir(self.core, xml)

    def compile(self, model: ov.Model, device: str, precision: str,
                settings: RingSettings | None = None) -> ov.CompiledModel:
        settings = settings or RingSettings()
        config = compile_config(self.core, device, precision, settings.hint,
                                settings.perf_counters)
        return compile_on(self.core, model, device, precision, config)[0]


def as_backend(where: Backend | ov.Core | None = None) -> Backend:
    """``where`` as a Backend: itself, OpenVINO on that Core, or OpenVINO on a new Core
    (the tools that read landmarks hold a Core, or nothing)."""
    if where is None or isinstance(where, ov.Core):
        return OpenVinoBackend(where)
    return where


def infer_queue(compiled: Any, n: int) -> Any:
    """``ov.AsyncInferQueue`` of ``n`` requests, or the queue a remote model makes itself."""
    make = getattr(compiled, "infer_queue", None)
    return make(n) if make is not None else ov.AsyncInferQueue(compiled, n)
