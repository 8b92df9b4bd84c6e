"""A model compiled on a remote v2 server, answering the few OpenVINO calls the recognizers
make: ``create_infer_request`` (``infer``, ``start_async``, ``wait``,
``get_output_tensor(i).data``), ``outputs``, ``get_property`` for the request count, and an
infer queue like ``ov.AsyncInferQueue`` (``rps.inference.ov_backend.infer_queue``).

Every call has a deadline (``TIMEOUT``, plus the payload's time on a 100 Mbit/s link, so a
large frame on a slow link is not taken for a dead server): a server that dies or hangs
fails the frame within it, and the engine falls back to a local device, instead of the
stream waiting forever.
Imports tritonclient's gRPC client (the ``serve`` extra); never imported with kserve.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import openvino as ov
import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

from rps.inference.served import V2_TYPES

TIMEOUT = 0.5  # seconds a frame's stage may take on the server, network included
LINK_BYTES_PER_S = 12.5e6  # 100 Mbit/s: the slowest link a call's deadline allows for


@dataclass
class Traffic:
    """Bytes and calls a remote device moved (tensor payloads, both ways)."""

    calls: int = 0
    sent: int = 0
    received: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, sent: int, received: int) -> None:
        with self.lock:
            self.calls += 1
            self.sent += sent
            self.received += received


class _Tensor:
    def __init__(self, data: np.ndarray):
        self.data = data


class RemoteRequest:
    """One request on a served model: the input goes as is (u8 where the IR embeds the
    scaling); the outputs come back by the local IR's output names, in its order."""

    def __init__(self, compiled: RemoteCompiled):
        self._c = compiled
        self._out: list[np.ndarray] = []
        self._error: Exception | None = None
        self._done = threading.Event()
        self._done.set()
        self._sent = 0
        self.latency = 0.0  # ms of the last call, as ov.InferRequest.latency
        self.on_done: Callable[[RemoteRequest], None] | None = None

    def _input(self, inputs: dict[int, np.ndarray]) -> list[grpcclient.InferInput]:
        x = np.ascontiguousarray(inputs[0])
        tensor = grpcclient.InferInput(self._c.input_name, list(x.shape), self._c.input_type)
        tensor.set_data_from_numpy(x)
        self._sent = x.nbytes
        return [tensor]

    def _take(self, result: Any) -> None:
        self._out = [result.as_numpy(n) for n in self._c.output_names]
        self._c.traffic.add(self._sent, sum(o.nbytes for o in self._out))
        device = result.get_response().parameters.get("device")
        if device is not None:
            self._c.server_device = device.string_param

    @property
    def deadline(self) -> float:
        """Seconds the last call may take: the server's time and its payload's."""
        return self._c.timeout + self._sent / LINK_BYTES_PER_S

    def infer(self, inputs: dict[int, np.ndarray], timeout: float | None = None) -> None:
        """Synchronously; ``timeout`` instead of the per-call deadline (the first call,
        which opens the channel)."""
        t0 = time.perf_counter()
        tensors = self._input(inputs)
        result = self._c.client.infer(self._c.name, tensors,
                                      client_timeout=timeout or self.deadline)
        self._take(result)
        self.latency = (time.perf_counter() - t0) * 1000

    def start_async(self, inputs: dict[int, np.ndarray], *_: Any, **__: Any) -> None:
        self._done.clear()
        self._error = None
        t0 = time.perf_counter()

        def finished(result: Any, error: Exception | None) -> None:
            try:
                if error is None:
                    self._take(result)
                else:
                    self._error = error
            except Exception as exc:  # a reply without the outputs asked for
                self._error = exc
            self.latency = (time.perf_counter() - t0) * 1000
            self._done.set()
            if self.on_done is not None:
                self.on_done(self)

        try:
            tensors = self._input(inputs)
            self._c.client.async_infer(self._c.name, tensors, finished,
                                       client_timeout=self.deadline)
        except Exception as exc:
            finished(None, exc)

    def wait(self) -> None:
        """Until the reply (the call's deadline bounds it); a failed call raises here."""
        if not self._done.wait(self.deadline + 1.0):
            raise RuntimeError(f"{self._c.name}: no reply in {self.deadline + 1.0:.1f} s")
        if self._error is not None:
            raise RuntimeError(error_line(self._error))

    def get_output_tensor(self, i: int = 0) -> _Tensor:
        if self._error is not None:
            raise RuntimeError(error_line(self._error))
        return _Tensor(self._out[i])

    def get_profiling_info(self) -> list:
        return []  # per-layer counters stay on the server


class RemoteQueue:
    """``ov.AsyncInferQueue`` over remote requests: ``start_async`` blocks while all are
    busy; the callback gets (request, userdata) on the gRPC thread."""

    def __init__(self, compiled: RemoteCompiled, n: int):
        self._requests = [RemoteRequest(compiled) for _ in range(max(1, n))]
        self._free = list(self._requests)
        self._cond = threading.Condition()
        self._callback: Callable[[Any, Any], None] | None = None
        self._userdata: dict[int, Any] = {}
        for r in self._requests:
            r.on_done = self._finished

    def __len__(self) -> int:
        return len(self._requests)

    def __getitem__(self, i: int) -> RemoteRequest:
        return self._requests[i]

    def set_callback(self, callback: Callable[[Any, Any], None]) -> None:
        self._callback = callback

    def start_async(self, inputs: dict[int, np.ndarray], userdata: Any = None,
                    share_inputs: bool = False) -> None:
        with self._cond:
            self._cond.wait_for(lambda: bool(self._free))
            req = self._free.pop()
            self._userdata[id(req)] = userdata
        req.start_async(inputs)

    def _finished(self, req: RemoteRequest) -> None:
        userdata = self._userdata.pop(id(req), None)
        try:  # a failed call raises in the callback's get_output_tensor, as a frame failure
            if self._callback is not None:
                self._callback(req, userdata)
        finally:
            with self._cond:
                self._free.append(req)
                self._cond.notify_all()

    def wait_all(self) -> None:
        with self._cond:
            self._cond.wait_for(lambda: len(self._free) == len(self._requests),
                                max(r.deadline for r in self._requests) + 2.0)


class RemoteCompiled:
    """A served model standing in for a CompiledModel: the local IR gives the tensor names
    and output order; the server runs it."""

    def __init__(self, client: grpcclient.InferenceServerClient, name: str, model: ov.Model,
                 traffic: Traffic, timeout: float = TIMEOUT):
        self.client = client
        self.name = name
        self.outputs = model.outputs
        self.input_name = model.input(0).get_any_name()
        self.input_type = V2_TYPES.get(model.input(0).get_element_type().get_type_name(),
                                       "FP32")
        self.output_names = [o.get_any_name() for o in model.outputs]
        self.traffic = traffic
        self.timeout = timeout
        self.server_device: str | None = None

    def create_infer_request(self) -> RemoteRequest:
        return RemoteRequest(self)

    def infer_queue(self, n: int) -> RemoteQueue:
        return RemoteQueue(self, n)

    def get_property(self, name: str) -> Any:
        if name == "OPTIMAL_NUMBER_OF_INFER_REQUESTS":
            return 2  # one in flight on the wire while the next frame is sent
        raise KeyError(name)


def error_line(exc: Exception) -> str:
    """tritonclient's error as one line: its message, else its status."""
    if isinstance(exc, InferenceServerException):
        text = exc.message() or str(exc.status())
    else:
        text = str(exc)
    return " ".join(text.split())[:200]
