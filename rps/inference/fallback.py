"""The engine's way off a lost remote device: while a remote device serves, a local
recognizer of the same precision and model is kept compiled (the standby), so that losing
the server swaps it in at the next frame; a loss with no standby ready compiles one.

A mixin of ``rps.inference.engine.Engine``, which owns the state named below; kept apart
so that the engine's hot path and switching read on their own.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from dataclasses import dataclass

from rps.inference.served import is_remote
from rps.types import Recognizer, RecognizerModel


@dataclass
class EngineEvent:
    """A switch's progress, for the HUD toast and the benchmark's timing."""

    kind: str  # "ready", "failed", or "lost" (a remote device failed; falling back)
    device: str
    precision: str
    message: str
    t: float


class Fallback:
    """Keeps the standby matching the remote recognizer, and falls back to it."""

    recognizer: Recognizer
    local_device: str
    error: str | None
    _cond: threading.Condition
    _switch_cond: threading.Condition
    _events: deque[EngineEvent]
    _pending: Recognizer | None
    _target: tuple[str, str, RecognizerModel] | None
    _compiling: tuple[str, str, RecognizerModel] | None

    def _init_fallback(self) -> None:
        self._lost: str | None = None  # the remote device being left, once per loss
        self._lost_why = ""
        self._standby: Recognizer | None = None  # the local one, kept while a remote serves
        self._standby_due = False  # compile the standby in the background (remote, none kept)
        self._standby_asks = 0  # a request while one compiles makes that one stale
        self._kept: Recognizer | None = None  # the standby made pending by a loss

    def _build(self, device: str, precision: str, model: RecognizerModel) -> Recognizer:
        raise NotImplementedError

    def request_switch(self, device: str | None = None, precision: str | None = None,
                       model: RecognizerModel | None = None) -> None:
        raise NotImplementedError

    def _start_switcher(self) -> None:
        raise NotImplementedError

    @property
    def standby(self) -> Recognizer | None:
        """The local recognizer kept compiled for a loss of the server, if one is ready."""
        return self._standby

    @staticmethod
    def _fits(standby: Recognizer | None, serving: Recognizer) -> bool:
        return standby is not None and (standby.precision, standby.model) == (
            serving.precision, serving.model)

    def _fall_back(self, device: str, why: str) -> None:
        """A 'lost' event, then the standby (or the local device compiled) serves: frames
        failing meanwhile are dropped, not errors."""
        with self._switch_cond:
            if self._lost == device:
                return
            self._lost, self._lost_why = device, why
        self._events.append(EngineEvent("lost", device, self.recognizer.precision, why,
                                        time.perf_counter()))
        with self._switch_cond:
            standby, self._standby = self._standby, None
            if self._pending is not None and not is_remote(self._pending.device):
                return  # a local switch is compiled already: it serves next
            if self._target is None and self._compiling is None:  # no other switch asked
                if self._fits(standby, self.recognizer):
                    self._pending = self._kept = standby
                    return
                if self._standby_due:  # being compiled: it is swapped in when built
                    return
        self.request_switch(self.local_device)

    def _want_standby(self) -> None:
        """A remote device serves and no fitting local one is kept: compile it in the
        background, so that losing the server swaps it in at once."""
        with self._switch_cond:
            self._standby, self._standby_due = None, True
            self._standby_asks += 1
            self._start_switcher()

    def _keep_standby(self, old: Recognizer, new: Recognizer) -> None:
        """On a swap to remote ``new``: keep ``old`` if local and fitting, else compile one
        (a remote-to-remote swap of model or precision leaves the standby stale)."""
        with self._switch_cond:
            self._lost = None
            if not is_remote(old.device):
                self._standby = old
            if not self._fits(self._standby, new):
                self._want_standby()

    def _build_standby(self) -> None:
        with self._switch_cond:
            asked, serving = self._standby_asks, self.recognizer
        built = None
        with contextlib.suppress(Exception):  # no standby: a loss compiles one then
            built = self._build(self.local_device, serving.precision, serving.model)
        with self._switch_cond:
            current = self.recognizer
            fits = self._fits(built, current)
            self._standby_due = asked != self._standby_asks and self._lost is None
            if fits and self._lost is None and is_remote(current.device):
                self._standby, self._standby_due = built, False
            elif self._lost is not None:
                if fits and (self._pending is None or is_remote(self._pending.device)):
                    self._pending = built  # the server was lost while this compiled
                elif self._target is None and self._compiling is None and (
                        self._pending is None or is_remote(self._pending.device)):
                    self._target = (self.local_device, current.precision, current.model)

    def _fallback_failed(self, device: str, precision: str, model: RecognizerModel,
                         why: str) -> None:
        """A switch failed: after a loss, the dead remote would drop every frame, so retry on
        the local device, then the CPU, and failing that say so as the engine's error."""
        with self._switch_cond:
            if self._lost is None or self._target is not None or (
                    self._pending is not None and not is_remote(self._pending.device)):
                return
            retry = self.local_device if is_remote(device) else \
                "CPU" if device.upper() != "CPU" else None
            if retry is not None:
                self._target = (retry, precision, model)
                self._start_switcher()
                return
            self.error = (f"lost {self._lost} ({self._lost_why}) and the local fallback "
                          f"failed: {why}")
        with self._cond:
            self._cond.notify_all()
