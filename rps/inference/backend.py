"""The inference backend seam: who executes a model, on which devices.

A recognizer's ``build`` reads its model files and compiles them through a Backend, the
engine checks device names with it, and the window's device list, its HUD label and
`rps devices` come from it, so nothing above ``rps.inference`` knows which executor runs
the models. OpenVINO's local Core is one (``rps.inference.ov_backend``); a KServe-v2
server, devices named ``remote:HOST:PORT``, is another (``rps.inference.remote``: its
``compile`` returns requests that send the tensors over gRPC). ``open_backend`` gives a
``RoutedBackend`` that sends each device to its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rps.errors import DeviceError
from rps.types import RingSettings


@dataclass(frozen=True)
class DeviceInfo:
    """One device a backend offers: its name (what --device takes) and what it is."""

    name: str
    full_name: str
    virtual: bool = False


class Request(Protocol):
    """The calls the recognizers make on an infer request: all an executor must answer
    (``ov.InferRequest`` does; so does ``rps.inference.remote_exec.RemoteRequest``)."""

    latency: float  # ms of the last call

    def infer(self, inputs: dict[int, Any]) -> Any: ...

    def start_async(self, inputs: dict[int, Any]) -> None: ...

    def wait(self) -> None: ...  # a failed call raises here

    def get_output_tensor(self, index: int) -> Any: ...  # .data: the output as an array

    def get_profiling_info(self) -> list: ...


class Compiled(Protocol):
    """What ``Backend.compile`` returns: requests, output ports, the request count hint
    (and an async queue, made by ``rps.inference.ov_backend.infer_queue``)."""

    outputs: Any  # the ports in output order (their partial shapes)

    def create_infer_request(self) -> Request: ...

    def get_property(self, name: str) -> Any: ...  # OPTIMAL_NUMBER_OF_INFER_REQUESTS


class Backend(Protocol):
    """Executes compiled models on the devices it lists."""

    def devices(self) -> list[DeviceInfo]: ...  # hardware first, then virtual combinations

    def describe(self, device: str) -> str: ...  # a HUD-sized label, e.g. 'CPU (AMD EPYC)'

    def validate(self, device: str) -> str: ...  # canonical name, or DeviceError naming them

    def read(self, xml: Path) -> Any: ...  # an IR, checked against its folder's stamp

    def compile(self, model: Any, device: str, precision: str, settings: RingSettings
                ) -> Compiled: ...  # or DeviceError


def compile_timed(backend: Backend, model: Any, device: str, precision: str,
                  settings: RingSettings) -> tuple[Any, float]:
    """``backend.compile`` and its milliseconds (what `rps bench` reports as compile)."""
    t0 = time.perf_counter()
    compiled = backend.compile(model, device, precision, settings)
    return compiled, (time.perf_counter() - t0) * 1000


class RoutedBackend:
    """This machine's OpenVINO plus the ``remote:HOST:PORT`` servers named so far: each call
    goes to the backend owning the device. IR is always read here (a remote device is given
    the served model's name, kept in the IR's rt_info)."""

    def __init__(self, local: Backend, remotes: Iterable[str] = ()):
        self.local = local
        self._remotes: dict[str, Backend] = {}
        for device in remotes:
            self.remote(device)

    def remote(self, device: str) -> Backend:
        """The backend of a ``remote:`` device (made on first use; needs the serve extra)."""
        from rps.inference.served import parse_remote

        address = parse_remote(device)
        if address.device not in self._remotes:
            try:
                from rps.inference.remote import RemoteBackend
            except ImportError:
                raise DeviceError(f"{device} needs the serve extra: pip install 'rps[serve]'"
                                  ) from None
            self._remotes[address.device] = RemoteBackend(address)
        return self._remotes[address.device]

    def _owner(self, device: str) -> Backend:
        from rps.inference.served import is_remote

        return self.remote(device) if is_remote(device) else self.local

    def devices(self) -> list[DeviceInfo]:
        return [*self.local.devices(), *(d for r in self._remotes.values()
                                         for d in r.devices())]

    def describe(self, device: str) -> str:
        return self._owner(device).describe(device)

    def validate(self, device: str) -> str:
        return self._owner(device).validate(device)

    def read(self, xml: Path) -> Any:
        from rps.inference.served import tag

        return tag(self.local.read(xml), xml)

    def compile(self, model: Any, device: str, precision: str,
                settings: RingSettings | None = None) -> Any:
        return self._owner(device).compile(model, device, precision, settings)


def open_backend(cache_dir: Path | None = None, remotes: Iterable[str] = ()) -> Backend:
    """OpenVINO on this machine, with its model cache in ``cache_dir``, and the v2 servers
    of ``remotes`` (``remote:HOST:PORT``; any other such device is added when named)."""
    from rps.inference.ov_backend import OpenVinoBackend

    return RoutedBackend(OpenVinoBackend(cache_dir=cache_dir), remotes)
