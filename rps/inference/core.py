"""OpenVINO basics every stage shares: a Core with the model cache, reading IR, the compile
config for a device and precision, and compile errors as one line."""

from __future__ import annotations

import errno
import os
import shutil
import time
from pathlib import Path

import openvino as ov

from rps.errors import DeviceError, ModelError
from rps.inference.modelfiles import check_ir
from rps.userdata import usable_cache_dir

HINTS = ("LATENCY", "THROUGHPUT", "CUMULATIVE_THROUGHPUT")


def make_core(cache_dir: Path | None) -> ov.Core:
    """A Core with the model cache on, so a second compile of the same model is fast.

    The cache is read, not memory-mapped: with a cold cache, two rps processes compiling
    the same model at once (a game and a bench, CI's parallel runs) had one rewrite a
    cache file the other had mapped, and that one died of SIGBUS (2 of 36 processes in 6
    rounds of 6; none of 72 once the cache is read). Our IRs are a few MB, so the copy
    costs little."""
    core = ov.Core()
    cache_dir = usable_cache_dir(cache_dir)
    if cache_dir is not None:
        core.set_property({"CACHE_DIR": str(cache_dir), "ENABLE_MMAP": False})
    return core


def first_line(exc: Exception) -> str:
    """The useful line of an OpenVINO exception (they carry C++ file / line noise)."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    useful = [ln for ln in lines if not ln.startswith(("Exception from", "Check "))]
    return (useful or lines or [type(exc).__name__])[-1][:200]


def read_ir(core: ov.Core, xml: Path) -> ov.Model:
    """An IR with its weights named: OpenVINO then does not try its other frontends (and
    their TensorFlow log lines) on an XML that is not an IR. Checked against the folder's
    stamp first: another model's ``.bin`` would load and read every frame wrong."""
    check_ir(xml)
    try:
        return core.read_model(xml, xml.with_suffix(".bin"))
    except RuntimeError as exc:
        raise ModelError(
            f"cannot read {xml}: corrupt or not an OpenVINO IR ({first_line(exc)})"
        ) from None


def save_ir(model: ov.Model, xml: Path, compress_to_fp16: bool = False) -> None:
    """``ov.save_model``, whose I/O failures say only 'basic_ios::clear': a full disk (under
    4 MiB left, where it wrote) is raised as the OSError it is, naming the file; any other
    failure is a ModelError with OpenVINO's line."""
    try:
        ov.save_model(model, xml, compress_to_fp16=compress_to_fp16)
    except RuntimeError as exc:
        try:
            full = shutil.disk_usage(xml.parent).free < 4 << 20
        except OSError:
            full = False
        if full:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(xml)) from None
        raise ModelError(f"cannot write {xml}: {first_line(exc)}") from None


def compile_config(core: ov.Core, device: str, precision: str, hint: str = "LATENCY",
                   perf_counters: bool = False) -> dict:
    """Performance hint, counters, and exact f32 for FP32 (this CPU would run it in bf16)."""
    config: dict = {"PERFORMANCE_HINT": hint}
    if perf_counters:
        config["PERF_COUNT"] = True
    if precision.upper() == "FP32":  # exact f32, not the bf16 / f16 default of some devices
        plain = device.split(":")[0] not in ("MULTI", "HETERO")
        props = core.get_property(device.split(":")[0], "SUPPORTED_PROPERTIES")
        if plain and (device.startswith("AUTO") or "INFERENCE_PRECISION_HINT" in props):
            config["INFERENCE_PRECISION_HINT"] = "f32"
    return config


def compile_on(core: ov.Core, model: ov.Model, device: str, precision: str,
               config: dict) -> tuple[ov.CompiledModel, float]:
    """Compile, timing it; a device that refuses the model is a DeviceError."""
    t0 = time.perf_counter()
    for attempt in (1, 2):
        try:
            compiled = core.compile_model(model, device, config)
            break
        except RuntimeError as exc:
            # Two processes filling one cache entry at once (two games started together):
            # OpenVINO fails on the other's half-written blob; by now it is whole.
            if attempt == 1 and ("filesystem error" in str(exc) or ".blob" in str(exc)):
                continue
            raise DeviceError(f"{device} could not compile {precision}: "
                              f"{first_line(exc)}") from None
    return compiled, (time.perf_counter() - t0) * 1000
