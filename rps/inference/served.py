"""Names shared by `rps serve` and the remote backend: which served model is which IR, how
a ``remote:HOST:PORT`` device reads, and the v2 name of each OpenVINO element type.

A served model is named after its IR's folder, precision and content,
``palm-fp16-1a2b3c4d``: the client asks for exactly the IR it would have compiled itself
(another rps version's landmark model is a different name, so a mismatch is one line naming
what is missing, never readings from the wrong weights). The version sits in the name
because KServe's Python server does not route v2 model versions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import openvino as ov

from rps.errors import DeviceError
from rps.inference.modelfiles import file_digest

REMOTE = "remote:"
RT_KEY = ["rps", "served_name"]  # rt_info of a read IR: the name it is served under
DEFAULT_PORT = 8500
V2_TYPES = {"u8": "UINT8", "f32": "FP32", "f16": "FP16", "i32": "INT32", "i64": "INT64"}


@dataclass(frozen=True)
class Address:
    """A v2 server's gRPC address."""

    host: str
    port: int

    @property
    def device(self) -> str:
        return f"{REMOTE}{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def is_remote(device: str) -> bool:
    return device.strip().lower().startswith(REMOTE)


def parse_remote(device: str) -> Address:
    """``remote:HOST:PORT`` (any case; IPv6 hosts in brackets) or DeviceError saying how."""
    rest = device.strip()[len(REMOTE):]
    host, sep, port = rest.rpartition(":")
    host = host.strip("[]").lower()
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise DeviceError(f"bad remote device {device!r}: use remote:HOST:PORT, e.g. "
                          f"remote:192.168.1.20:{DEFAULT_PORT}")
    return Address(host, int(port))


def served_name(xml: Path) -> str:
    """``<folder>-<precision>-<first 8 hex of a sha256 over the IR files' sha256>`` (the
    files' own digests, already taken when their folder's stamp was checked)."""
    xml = Path(xml).resolve()
    digest = hashlib.sha256("".join(file_digest(f)[1] for f in (
        xml, xml.with_suffix(".bin"))).encode()).hexdigest()[:8]
    precision = xml.parent.name.lower()
    folder = xml.parent.parent.name if precision in ("fp32", "fp16", "int8") else \
        xml.parent.name
    if precision not in ("fp32", "fp16", "int8"):
        precision = "fp32"
    return f"{folder}-{precision}-{digest}"


def tag(model: ov.Model, xml: Path) -> ov.Model:
    """Mark a read IR with its served name (kept through reshape and PrePostProcessor)."""
    model.set_rt_info(served_name(xml), RT_KEY)
    return model


def tag_of(model: ov.Model) -> str | None:
    return model.get_rt_info(RT_KEY).astype(str) if model.has_rt_info(RT_KEY) else None
