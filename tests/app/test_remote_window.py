"""The window with a remote device (a real `rps serve` subprocess): switched to and back
like any device, and left for the local one when the server dies mid-game."""

from __future__ import annotations

import time

import numpy as np
import pygame

from rps.inference.backend import open_backend
from rps.recognizers import load_recognizer


def _step_until(app, done, seconds: float = 60.0) -> list[float]:
    """Step the window until ``done()``; each display frame's time meanwhile, in ms."""
    deadline, frames = time.monotonic() + seconds, []
    while not done():
        assert time.monotonic() < deadline, [s for _, s in app.toasts]
        t0 = time.perf_counter()
        app.step()
        frames.append((time.perf_counter() - t0) * 1000)
    return frames


def _hand_app(make_app, device: str, remote: str):
    return make_app(load_recognizer("hand"), device=device, precision="FP16",
                    backend=open_backend(remotes=[remote]))


def test_switch_local_to_remote_and_back_with_the_device_keys(make_app, served):
    app = _hand_app(make_app, "CPU", served.device)
    assert app.devices[-1] == served.device  # in the D cycle, after the local devices
    app.cmd_pick_device(app.devices.index(served.device))
    _step_until(app, lambda: app.device == served.device)
    assert "CPU" in app.pipe.backend.describe(app.device)  # the server's device, in the HUD
    seen = app.last
    _step_until(app, lambda: app.last is not seen and app.last.device == served.device)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_d, unicode="d", mod=0))
    _step_until(app, lambda: any("Now on CPU" in s for _, s in app.toasts))  # D wraps
    assert app.device == "CPU"


def test_the_server_dies_mid_game_and_the_window_falls_back(make_app, own_server):
    own_server.start()
    app = _hand_app(make_app, own_server.device, own_server.device)
    _step_until(app, lambda: app.last is not None and app.last.device == own_server.device)
    own_server.kill()
    t_kill = time.monotonic()
    lost = f"Lost {own_server.device}"
    frames = _step_until(app, lambda: any(s.startswith(lost) for _, s in app.toasts), 20)
    toast_s = time.monotonic() - t_kill
    frames += _step_until(app, lambda: app.device == "CPU", seconds=30)
    fell_back_s = time.monotonic() - t_kill
    frames += _step_until(app, lambda: app.last is not None and app.last.device == "CPU")
    p95, longest = float(np.percentile(frames, 95)), max(frames)
    measured = (f"toast after {toast_s * 1000:.0f} ms, on CPU after {fell_back_s * 1000:.0f} "
                f"ms; {len(frames)} frames after the kill: p95 {p95:.0f} ms, longest "
                f"{longest:.0f} ms")
    print(measured)
    assert app.pipe.engine.error is None  # a lost remote is a fall-back, not a failure
    # Bounds for a loaded 2-core machine (timing targets live in benchmarks): a frame that
    # waited on the network (a 100 ms stall or more on every frame) fails the p95, one
    # that waited out a call's deadline the longest; the loss is seen on the failed call,
    # not after a connect timeout.
    assert p95 < 150 and longest < 500 and toast_s < 5, measured
    own_server.start()  # back: the remote device is reached again from the device list
    app.cmd_pick_device(app.devices.index(own_server.device))
    _step_until(app, lambda: app.device == own_server.device)
    _step_until(app, lambda: app.last.device == own_server.device)
