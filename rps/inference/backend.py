"""The inference backend seam: who executes a model, on which devices.

A recognizer's ``build`` reads its model files and compiles them through a Backend, the
engine checks device names with it, and the window's device list, its HUD label and
`rps devices` come from it, so nothing above ``rps.inference`` knows which executor runs
the models. OpenVINO's local Core is one (``rps.inference.ov_backend``); a second executor,
such as a remote KServe-v2 server with devices named ``remote:HOST:PORT``, is one more
module answering the same five calls (its ``compile`` returns infer requests that send the
tensors over the network), picked by ``open_backend``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rps.types import RingSettings


@dataclass(frozen=True)
class DeviceInfo:
    """One device a backend offers: its name (what --device takes) and what it is."""

    name: str
    full_name: str
    virtual: bool = False


class Backend(Protocol):
    """Executes compiled models on the devices it lists."""

    def devices(self) -> list[DeviceInfo]: ...  # hardware first, then virtual combinations

    def describe(self, device: str) -> str: ...  # a HUD-sized label, e.g. 'CPU (AMD EPYC)'

    def validate(self, device: str) -> str: ...  # canonical name, or DeviceError naming them

    def read(self, xml: Path) -> Any: ...  # an IR, checked against its folder's stamp

    def compile(self, model: Any, device: str, precision: str, settings: RingSettings
                ) -> Any: ...  # something with OpenVINO's CompiledModel calls, or DeviceError


def compile_timed(backend: Backend, model: Any, device: str, precision: str,
                  settings: RingSettings) -> tuple[Any, float]:
    """``backend.compile`` and its milliseconds (what `rps bench` reports as compile)."""
    t0 = time.perf_counter()
    compiled = backend.compile(model, device, precision, settings)
    return compiled, (time.perf_counter() - t0) * 1000


def open_backend(cache_dir: Path | None = None) -> Backend:
    """The backend for local devices: OpenVINO, with its model cache in ``cache_dir``."""
    from rps.inference.ov_backend import OpenVinoBackend

    return OpenVinoBackend(cache_dir=cache_dir)
