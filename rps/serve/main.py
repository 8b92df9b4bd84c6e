"""`rps serve` from the command line: compile the stages, then hand them to the server.

``--list`` needs only OpenVINO; serving needs the ``serve`` extra (kserve), said in one
line when it is missing.
"""

from __future__ import annotations

import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from rps.errors import RpsError
from rps.inference.backend import compile_timed
from rps.inference.ov_backend import OpenVinoBackend
from rps.serve.stages import export, listing, shipped_stages
from rps.types import RingSettings


@dataclass(frozen=True)
class ServeRequest:
    """What `rps serve` was asked for."""

    device: str = "CPU"
    precisions: tuple[str, ...] = ("FP32", "FP16", "INT8")
    host: str = "127.0.0.1"
    port: int = 8500
    rest_port: int | None = None  # None: port + 1
    list_only: bool = False
    export: Path | None = None  # write the prepared IR and an OVMS config here, and exit
    cache_dir: Path | None = None


def check_listen(host: str, port: int) -> None:
    """RpsError in one line when ``host:port`` cannot be listened on (in use, or an address
    this machine does not have), before anything compiles."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise RpsError(f"cannot listen on {host}:{port}: "
                           f"{exc.strerror or exc}") from None


def serve(req: ServeRequest) -> int:
    rest = req.rest_port or req.port + 1
    if not (req.list_only or req.export):
        if rest > 65535:
            raise RpsError(f"REST port {rest} (--port + 1) is past 65535: give --rest-port")
        if rest == req.port:
            raise RpsError(f"--rest-port {rest} is the gRPC --port too: give two ports")
        try:  # first: without the extra, which ports are free does not matter
            from rps.serve.server import ServeConfig, StageModel, run
        except ImportError as exc:
            raise RpsError(f"rps serve needs the serve extra ({exc.name} is missing): "
                           "pip install 'rps[serve]'") from None
        for port in (req.port, rest):
            check_listen(req.host, port)
    backend = OpenVinoBackend(cache_dir=req.cache_dir)
    stages = shipped_stages(backend, list(req.precisions))
    if req.list_only:
        print(listing(stages))
        return 0
    if req.export is not None:
        print(f"wrote {len(stages)} models and {export(stages, req.export)}")
        return 0
    device = backend.validate(req.device)
    models, total = [], 0.0
    for s in stages:
        compiled, ms = compile_timed(backend, s.model, device, s.xml.parent.name,
                                     RingSettings("LATENCY"))
        models.append(StageModel(s, compiled, backend.describe(device)))
        total += ms
    print(f"rps serve: {len(models)} models on {backend.describe(device)} (compiled in "
          f"{total:.0f} ms); gRPC {req.host}:{req.port}, REST {req.host}:{rest}; no "
          "authentication: keep it behind your network's controls", flush=True)
    if req.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"rps serve: listening on {req.host}: anyone who reaches it can run the models",
              file=sys.stderr, flush=True)
    run(models, ServeConfig(req.host, req.port, rest))
    return 0
