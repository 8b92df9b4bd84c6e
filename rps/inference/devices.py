"""Inference devices: what this machine offers, the virtual combinations, and name checks.

Device names are checked before compiling so that a typo gets one clear line instead of
OpenVINO's multi-line exception.
"""

from __future__ import annotations

import openvino as ov

from rps.errors import DeviceError
from rps.inference.backend import DeviceInfo

VIRTUAL = ("AUTO", "MULTI", "HETERO")
PREFERENCE = ("NPU", "GPU", "CPU")  # accelerators first for HETERO fall-back order


def _full_name(core: ov.Core, name: str) -> str:
    try:
        return str(core.get_property(name, "FULL_DEVICE_NAME"))
    except RuntimeError:
        return name


def _rank(name: str) -> int:
    base = name.split(".")[0]
    return PREFERENCE.index(base) if base in PREFERENCE else len(PREFERENCE)


def list_devices(core: ov.Core) -> list[DeviceInfo]:
    """Hardware devices, then AUTO and the MULTI / HETERO combinations built on them."""
    hardware = sorted(core.available_devices, key=lambda n: (_rank(n), n))
    devices = [DeviceInfo(d, _full_name(core, d)) for d in hardware]
    if hardware:
        joined = ",".join(hardware)
        devices.append(DeviceInfo("AUTO", "picks the best device, starts on CPU", True))
        devices.append(DeviceInfo(f"MULTI:{joined}", f"runs requests on {joined} at once", True))
        devices.append(DeviceInfo(f"HETERO:{joined}", f"splits the graph over {joined}", True))
    return devices


def validate_device(core: ov.Core, name: str) -> str:
    """Return the canonical device string or raise DeviceError naming what is available."""
    name = name.strip().upper()
    hardware = list(core.available_devices)
    known = set(hardware) | {d.split(".")[0] for d in hardware}
    prefix, sep, rest = name.partition(":")
    if prefix in VIRTUAL:
        parts = [p.split("(")[0] for p in rest.split(",") if p] if sep else []
        if prefix != "AUTO" and not parts:
            raise DeviceError(f"{prefix} needs devices, e.g. {prefix}:{','.join(hardware)}")
    else:
        parts = [name]
    unknown = [p for p in parts if p not in known]
    if unknown:
        have = ", ".join(d.name for d in list_devices(core)) or "none"
        raise DeviceError(f"unknown device {unknown[0]!r}: this machine has {have}")
    return name


def short_name(core: ov.Core, device: str) -> str:
    """A HUD-sized label: 'CPU (AMD EPYC)' or the virtual device string as is."""
    if ":" in device or device in VIRTUAL:
        return device
    full = _full_name(core, device)
    words = [w for w in full.replace("(R)", "").replace("(TM)", "").split() if w != "Processor"]
    return f"{device} ({' '.join(words[:3])})" if full != device else device
