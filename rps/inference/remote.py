"""The remote backend: a ``remote:HOST:PORT`` device is a KServe v2 (Open Inference
Protocol) server over gRPC, such as `rps serve` or OpenVINO Model Server with the same IR.

The client keeps reading the IR locally (its tensor names, shapes and served name) and the
tracking and classifier logic stay here; only stage tensors travel. tritonclient's gRPC
client is used (fast, and it does not pull in kserve's server stack); it and kserve register
the same protobuf names, so this module never runs in `rps serve`'s process.
"""

from __future__ import annotations

import numpy as np
import openvino as ov
import tritonclient.grpc as grpcclient

from rps.errors import DeviceError
from rps.inference.backend import DeviceInfo
from rps.inference.remote_exec import TIMEOUT, RemoteCompiled, Traffic, error_line
from rps.inference.served import Address, parse_remote, tag_of
from rps.types import RingSettings

CONNECT_TIMEOUT = 3.0  # seconds to reach a server at start or on a switch


class RemoteBackend:
    """One v2 server: its device, reachability checks, and models compiled there (that is,
    looked up, checked against the local IR and warmed up with one request)."""

    def __init__(self, address: Address, timeout: float = TIMEOUT):
        self.address = address
        self.timeout = timeout
        self.traffic = Traffic()
        self.server_device: str | None = None

    @property
    def device(self) -> str:
        return self.address.device

    def devices(self) -> list[DeviceInfo]:
        return [DeviceInfo(self.device, f"KServe v2 server at {self.address.url} "
                           "(rps serve or OpenVINO Model Server)")]

    def describe(self, device: str) -> str:
        return f"{self.device} on {self.server_device}" if self.server_device else self.device

    def _client(self) -> grpcclient.InferenceServerClient:
        """A client on its own connection: gRPC otherwise shares one per address across
        clients, and after a server restart it would wait out the dead one's backoff."""
        return grpcclient.InferenceServerClient(self.address.url, channel_args=[
            ("grpc.max_send_message_length", 2**31 - 1),
            ("grpc.max_receive_message_length", 2**31 - 1),
            ("grpc.use_local_subchannel_pool", 1)])

    def validate(self, device: str) -> str:
        """The canonical name once the server answers as live, else one line."""
        if parse_remote(device) != self.address:
            raise DeviceError(f"{device} is not {self.device}")
        client = self._client()
        try:
            if not client.is_server_live(client_timeout=CONNECT_TIMEOUT):
                raise DeviceError(f"{self.device}: the server is not live")
        except DeviceError:
            raise
        except Exception as exc:
            raise DeviceError(f"cannot reach a KServe v2 server at {self.address.url} "
                              f"({error_line(exc)}); is `rps serve` running there?") from None
        finally:
            client.close()
        return self.device

    def compile(self, model: ov.Model, device: str, precision: str,
                settings: RingSettings | None = None) -> RemoteCompiled:
        """The served model for this IR, checked and warmed up; DeviceError naming what the
        server lacks."""
        name = tag_of(model)
        if name is None:
            raise DeviceError(f"{self.device} can only run IR read from a model folder")
        client = self._client()
        try:
            self._check(client, name, model)
            compiled = RemoteCompiled(client, name, model, self.traffic, self.timeout)
            warm = compiled.create_infer_request()
            shape = model.input(0).get_partial_shape().get_min_shape()
            dtype = model.input(0).get_element_type().to_dtype()
            # the first call opens the channel: the connect deadline, not a frame's
            warm.infer({0: np.zeros(list(shape), dtype)}, timeout=CONNECT_TIMEOUT)
        except DeviceError:
            client.close()
            raise
        except Exception as exc:
            client.close()
            raise DeviceError(f"{self.device} could not run {name}: {error_line(exc)}") \
                from None
        self.server_device = compiled.server_device or self.server_device
        return compiled

    def _check(self, client: grpcclient.InferenceServerClient, name: str,
               model: ov.Model) -> None:
        try:
            ready = client.is_model_ready(name, client_timeout=CONNECT_TIMEOUT)
        except Exception as exc:  # an unknown model is an error status on KServe
            status = str(getattr(exc, "status", lambda: "")())
            if "UNAVAILABLE" in status or "DEADLINE" in status or not status:
                raise DeviceError(f"cannot reach a KServe v2 server at {self.address.url} "
                                  f"({error_line(exc)})") from None
            ready = False
        if not ready:
            raise DeviceError(f"{self.device} does not serve {name}: run `rps serve` there "
                              "from the same rps version with this precision (`rps serve "
                              "--list` names what it serves)")
        meta = client.get_model_metadata(name, as_json=True, client_timeout=CONNECT_TIMEOUT)
        want = model.input(0)
        got = (meta.get("inputs") or [{}])[0]
        local = [d.get_length() if d.is_static else -1 for d in want.get_partial_shape()]
        remote = [int(d) for d in got.get("shape", [])]
        if got.get("name") != want.get_any_name() or len(remote) != len(local) or any(
                r not in (-1, loc) for r, loc in zip(remote, local, strict=True)):
            raise DeviceError(f"{self.device} serves {name} with input {got.get('name')} "
                              f"{remote}, but this client feeds {want.get_any_name()} {local}")
