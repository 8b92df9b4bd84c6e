"""The engine against the Recognizer protocol itself, with pure-Python recognizers: order,
failures and switches, without any model."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openvino as ov

from rps.inference.engine import Engine
from rps.types import CLASSES, Frame, Prediction


class EchoRecognizer:
    """Answers at once; fails on the frames whose seq is in ``fail_on``."""

    nireq = 1
    compile_ms = 0.0

    def __init__(self, model, device, precision):
        self.model, self.device, self.precision = model, device, precision

    def start(self, frame, done):
        if frame.seq in self.model.fail_on:
            raise RuntimeError("device lost")
        done(Prediction(frame.seq, frame.t_capture, time.perf_counter(),
                        np.eye(4, dtype=np.float32)[0], CLASSES, 0.1, self.device,
                        self.precision))

    def wait_all(self):
        pass

    def perf_counts(self):
        return []


@dataclass(frozen=True)
class EchoModel:
    root: Path = Path("echo")
    fail_on: frozenset = frozenset()
    build_error: type | None = None
    build_delay: float = 0.0
    building: threading.Event = field(default_factory=threading.Event, compare=False,
                                      hash=False)
    variants: tuple = ("FP32", "FP16", "INT8")
    name: str = "echo"
    default_precision: str = "FP32"
    any_size: bool = False
    built: list = field(default_factory=list, compare=False, hash=False)

    def build(self, core, device, precision, frame_hw, settings):
        self.building.set()
        time.sleep(self.build_delay)
        if self.build_error is not None:
            raise self.build_error("compiler exploded")
        self.built.append((device, precision))
        return EchoRecognizer(self, device, precision)


def _frame(seq: int) -> Frame:
    return Frame(seq, time.perf_counter(), np.zeros((4, 4, 3), np.uint8))


def test_a_frame_whose_start_fails_keeps_the_order_moving():
    engine = Engine(EchoModel(fail_on=frozenset({2})), frame_hw=(4, 4), backend=ov.Core())
    for i in range(1, 5):
        engine.submit(_frame(i))
    got = engine.take(1.0)
    assert [p.seq for p in got] == [1, 3, 4]  # frame 2 failed; nothing after it is stuck
    assert "device lost" in (engine.error or "")
    engine.close()


def test_the_switch_thread_survives_an_unexpected_compile_error():
    engine = Engine(EchoModel(), frame_hw=(4, 4), backend=ov.Core())
    engine.request_switch(model=EchoModel(root=Path("bad"), build_error=RuntimeError))
    deadline = time.perf_counter() + 5
    events = []
    while not events and time.perf_counter() < deadline:
        events = engine.events()
        time.sleep(0.01)
    assert events and events[0].kind == "failed" and "compiler exploded" in events[0].message
    engine.request_switch(precision="FP16")  # the switcher still works afterwards
    while engine.recognizer.precision != "FP16" and time.perf_counter() < deadline:
        engine.submit(_frame(1))
        engine.take(0.01)
    assert engine.recognizer.precision == "FP16"
    assert threading.active_count() < 50
    engine.close()


def test_a_quick_second_switch_adds_to_the_first():
    slow = EchoModel(root=Path("slow"), build_delay=0.3)
    engine = Engine(slow, frame_hw=(4, 4), backend=ov.Core())
    slow.building.clear()
    engine.request_switch(device="AUTO")
    assert slow.building.wait(2)
    assert engine.switching
    engine.request_switch(precision="INT8")  # while AUTO is still compiling
    deadline = time.perf_counter() + 5
    while (engine.recognizer.device, engine.recognizer.precision) != ("AUTO", "INT8") and \
            time.perf_counter() < deadline:
        engine.submit(_frame(1))
        engine.take(0.02)
    assert (engine.recognizer.device, engine.recognizer.precision) == ("AUTO", "INT8")
    engine.close()
