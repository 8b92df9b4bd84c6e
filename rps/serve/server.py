"""The v2 server: each prepared stage as a ``kserve.Model`` on one OpenVINO request, inside
KServe's ModelServer, bound to the host asked for (KServe itself binds every interface).

A request is checked against the model's one input (name, datatype, shape, byte count)
before it reaches OpenVINO: a wrong one is a v2 error (HTTP 400 / gRPC INVALID_ARGUMENT),
an oversized body is refused by size (gRPC RESOURCE_EXHAUSTED, HTTP 413), and the server
serves on. Requests run one at a time on the event loop: the stages are short and the
client sends a frame's stages in order, so a thread hop would only add latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import sys
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
import openvino as ov

# kserve parses sys.argv when imported: it must not read `rps serve`'s options.
_argv, sys.argv = sys.argv, sys.argv[:1]
try:
    import kserve
    from kserve.constants.constants import FASTAPI_APP_IMPORT_STRING
    from kserve.errors import InvalidInput
    from kserve.model_server import app as rest_app
    from kserve.protocol.grpc.server import GRPCServer
    from kserve.protocol.infer_type import InferOutput, InferRequest, InferResponse
    from kserve.protocol.rest.server import RESTServer
finally:
    sys.argv = _argv

from rps.errors import RpsError  # noqa: E402
from rps.serve.stages import Stage  # noqa: E402

MAX_BYTES = 16 << 20  # a 1080p frame for the CNN is 6.2 MB; anything past this is refused
REPOSITORY = "/v2/repository/"  # load / unload any model: not offered to any client
NO_REPOSITORY = "the model repository extension is off: rps serve serves a fixed set"
NP_TYPES = {"UINT8": np.uint8, "FP32": np.float32, "FP16": np.float16, "INT32": np.int32,
            "INT64": np.int64}


@dataclass(frozen=True)
class ServeConfig:
    """Where `rps serve` listens."""

    host: str = "127.0.0.1"
    grpc_port: int = 8500
    rest_port: int = 8501


class StageModel(kserve.Model):
    """One compiled stage; responses say which device ran it (``device`` parameter)."""

    def __init__(self, stage: Stage, compiled: ov.CompiledModel, device: str):
        super().__init__(stage.name)
        self.stage = stage
        self.device = device
        self._input = stage.inputs[0]
        self._outputs = stage.outputs
        self._request = compiled.create_infer_request()
        self.ready = True

    def load(self) -> bool:
        self.ready = True
        return True

    def get_input_types(self) -> list[dict]:
        return [self._input.as_dict()]

    def get_output_types(self) -> list[dict]:
        return [t.as_dict() for t in self._outputs]

    def check(self, payload: InferRequest) -> np.ndarray:
        """The one input as an array, or InvalidInput saying what is wrong with it."""
        want = self._input
        if len(payload.inputs) != 1:
            raise InvalidInput(f"{self.name} takes 1 input, got {len(payload.inputs)}")
        got = payload.inputs[0]
        if got.name != want.name:
            raise InvalidInput(f"{self.name} takes input {want.name!r}, not {got.name!r}")
        if got.datatype != want.datatype:
            raise InvalidInput(f"{self.name} input {want.name} is {want.datatype}, "
                               f"not {got.datatype}")
        shape = [int(d) for d in got.shape]
        if len(shape) != len(want.shape) or any(
                w not in (-1, g) or g <= 0 for w, g in zip(want.shape, shape, strict=True)):
            raise InvalidInput(f"{self.name} input {want.name} has shape "
                               f"{list(want.shape)}, not {shape}")
        if math.prod(shape) * np.dtype(NP_TYPES[want.datatype]).itemsize > MAX_BYTES:
            raise InvalidInput(f"{self.name}: input of shape {shape} is over {MAX_BYTES} bytes")
        try:
            x = got.as_numpy()
        except Exception as exc:  # too few or too many bytes for the shape
            raise InvalidInput(f"{self.name} input {want.name}: {exc}") from None
        if list(x.shape) != shape:
            raise InvalidInput(f"{self.name} input {want.name}: data does not fill {shape}")
        return x

    def predict(self, payload: InferRequest, headers: dict[str, str] | None = None
                ) -> InferResponse:
        x = self.check(payload)
        self._request.infer({0: x})
        outputs = []
        for i, t in enumerate(self._outputs):
            data = self._request.get_output_tensor(i).data
            out = InferOutput(t.name, list(data.shape), t.datatype)
            out.set_data_from_numpy(data, binary_data=payload.use_binary_outputs)
            outputs.append(out)
        return InferResponse(payload.id or str(uuid.uuid4()), self.name, outputs,  # id: optional
                             parameters={"device": self.device},
                             use_binary_outputs=payload.use_binary_outputs)


class _TooLarge(Exception):
    """A chunked REST body went over the limit; the 413 is sent already."""


async def _reply(send: Any, status: int, error: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": json.dumps({"error": error}).encode()})


class BodyLimit:
    """ASGI middleware: a REST body over ``limit`` bytes gets 413, unread when its length
    is declared, else once the bytes read pass it (a chunked body is never read whole); the
    model repository extension gets 403 (any client could unload every model)."""

    def __init__(self, app: Any, limit: int = MAX_BYTES):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("path", "").startswith(REPOSITORY):
            await _reply(send, 403, NO_REPOSITORY)
            return
        length = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if length.isdigit() and int(length) > self.limit:
            await _reply(send, 413, f"request of {int(length)} bytes is over the "
                                    f"{self.limit} byte limit")
            return
        seen, replied = 0, False

        async def counted() -> dict:
            nonlocal seen, replied
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit and not replied:
                replied = True
                await _reply(send, 413, f"request body is over the {self.limit} byte limit")
                raise _TooLarge
            return message

        async def guarded(message: dict) -> None:  # the app's own error reply comes too late
            if not replied:
                await send(message)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, counted, guarded)


class BoundGRPCServer(GRPCServer):
    """KServe's gRPC server on one host instead of every interface."""

    def __init__(self, host: str, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._host = host

    async def bind(self, max_workers: int) -> None:
        """The server on its port, not started: RpsError when the port is taken."""
        from concurrent import futures

        from grpc import aio
        from kserve.protocol.grpc import grpc_predict_v2_pb2_grpc
        from kserve.protocol.grpc.interceptors import ExceptionToStatusInterceptor

        self._server = aio.server(
            futures.ThreadPoolExecutor(max_workers=max_workers),
            interceptors=(ExceptionToStatusInterceptor(),),
            options=[("grpc.max_send_message_length", MAX_BYTES),
                     ("grpc.max_receive_message_length", MAX_BYTES),
                     ("grpc.so_reuseport", 0)])  # no other server shares the port unseen
        grpc_predict_v2_pb2_grpc.add_GRPCInferenceServiceServicer_to_server(
            _servicer(self._data_plane, self._model_repository_extension), self._server)
        host = f"[{self._host}]" if ":" in self._host else self._host
        try:  # taken since check_listen, say
            bound = self._server.add_insecure_port(f"{host}:{self._port}")
        except Exception as exc:
            why = " ".join(str(exc).split(";")[0].split())[:200]
            raise RpsError(f"cannot listen on {host}:{self._port}: {why}") from None
        if not bound:
            raise RpsError(f"cannot listen on {host}:{self._port}")

    async def start(self, max_workers: int) -> None:
        await self._server.start()
        await self._server.wait_for_termination()


def _servicer(*args: Any) -> Any:
    """KServe's gRPC servicer with the model repository calls (load / unload any model)
    answering UNIMPLEMENTED."""
    import grpc
    from kserve.protocol.grpc.servicer import InferenceServicer

    class Servicer(InferenceServicer):
        async def RepositoryModelLoad(self, request: Any, context: Any) -> Any:
            await context.abort(grpc.StatusCode.UNIMPLEMENTED, NO_REPOSITORY)

        async def RepositoryModelUnload(self, request: Any, context: Any) -> Any:
            await context.abort(grpc.StatusCode.UNIMPLEMENTED, NO_REPOSITORY)

    return Servicer(*args)


async def _serve_bound(rest: RESTServer, grpc: BoundGRPCServer) -> None:
    """gRPC bound before REST starts: a port taken since check_listen is then one line,
    not one line after uvicorn's traceback of its cancelled start."""
    await grpc.bind(4)
    await asyncio.gather(rest.start(), grpc.start(4))


def run(models: list[StageModel], cfg: ServeConfig) -> None:
    """Serve until SIGINT / SIGTERM: KServe's ModelServer with REST and gRPC bound to
    ``cfg.host``."""
    server = kserve.ModelServer(http_port=cfg.rest_port, grpc_port=cfg.grpc_port,
                                workers=1, enable_grpc=False, enable_latency_logging=False,
                                grace_period=1)
    for m in models:
        server.register_model(m)
    rest = RESTServer(FASTAPI_APP_IMPORT_STRING, server.dataplane,
                      server.model_repository_extension, cfg.rest_port, grace_period=1)
    rest.config.host = cfg.host
    rest_app.add_middleware(BodyLimit)
    grpc = BoundGRPCServer(cfg.host, cfg.grpc_port, server.dataplane,
                           server.model_repository_extension, kwargs={}, grace_period=1)
    server._rest_server, server._grpc_server = rest, grpc
    server.servers = [_serve_bound(rest, grpc)]
    server.setup_event_loop()
    server.register_signal_handler()
    asyncio.run(server._serve())

