"""A third recognizer, registered here and nowhere else, runs through `rps bench`,
`rps eval --data`, the window (a round) and teach mode; and a fake backend (an executor
that is not OpenVINO) serves the window's device list and a device switch without an
``ov.Core``. Nothing in rps/app or rps/cli changes for either."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import openvino as ov
import pygame
import pytest
from openvino import opset13 as ops

from rps.cli import main
from rps.errors import DeviceError, RpsError
from rps.game import State
from rps.inference.backend import DeviceInfo
from rps.modeltools.dataset import scan
from rps.modeltools.personal import personal_dir
from rps.recognizers import RECOGNIZERS, RecognizerKind, load_recognizer
from rps.types import CLASSES, Frame, Prediction, RingSettings
from rps.userdata.files import write_text
from tests.conftest import FIXTURE_DATA

SHIPPED = (0.3, 0.45, 0.6, 0.75)  # mean brightness of none, rock, paper, scissors


@dataclass(frozen=True)
class BrightModel:
    """Reads a frame's class from its mean brightness: the nearest of four."""

    root: Path
    means: tuple[float, ...] = SHIPPED
    kind = "bright"
    labels = CLASSES
    default_precision = "FP32"
    any_size = True
    variants = ("FP32", "FP16")
    max_hands = 0
    stage_names = ("mean",)
    teachable = True

    @property
    def name(self) -> str:
        return self.root.name

    def with_hands(self, n: int) -> BrightModel:
        return self

    def build(self, backend, device, precision, frame_hw, settings) -> BrightRecognizer:
        image = ops.parameter(ov.PartialShape([1, -1, -1, 3]), ov.Type.u8)
        mean = ops.reduce_mean(ops.convert(image, ov.Type.f32), np.array([1, 2, 3]), False)
        ir = ov.Model([ops.divide(mean, np.float32(255))], [image], "bright")
        return BrightRecognizer(self, device, precision,
                                backend.compile(ir, device, precision, settings))


class BrightRecognizer:
    nireq = 1
    compile_ms = 0.0

    def __init__(self, model: BrightModel, device: str, precision: str, compiled):
        self.model, self.device, self.precision = model, device, precision
        self.compiled = compiled

    def start(self, frame: Frame, done) -> None:
        t0 = time.perf_counter()
        m = float(np.asarray(self.compiled(frame.image[None])[0]).reshape(-1)[0])
        scores = np.eye(4, dtype=np.float32)[int(np.argmin(np.abs(np.array(self.model.means)
                                                                   - m)))]
        ms = (time.perf_counter() - t0) * 1000
        done(Prediction(frame.seq, frame.t_capture, time.perf_counter(), scores, CLASSES, ms,
                        self.device, self.precision, stages_ms=(("mean", ms),)))

    def wait_all(self) -> None:
        pass

    def perf_counts(self) -> list:
        return []


def load_bright(model, options) -> BrightModel:
    if model is None:
        return BrightModel(Path("bright"))
    path = Path(model) / "means.json"
    if not path.is_file():
        raise RpsError(f"no bright model at {model}")
    return BrightModel(Path(model), tuple(json.loads(path.read_text())))


def refit_bright(base, recording, out: Path) -> None:
    """Each class's mean brightness over its recorded frames."""
    frames = {c: [] for c in CLASSES}
    for s in scan(recording.folder):
        frames[s.label].append(cv2.imread(str(s.path)).mean() / 255)
    means = [float(np.mean(v)) if v else d for v, d in zip(frames.values(), SHIPPED,
                                                             strict=True)]
    write_text(out / "means.json", json.dumps(means))


BRIGHT = RecognizerKind("bright", load_bright, "a frame's mean brightness (a test's fake)",
                        personal="personal-bright", refit=refit_bright)


@pytest.fixture
def bright():
    with RECOGNIZERS.registered(BRIGHT):
        yield BRIGHT


class FakeExecutor:
    """What a fake backend compiles to: numpy, called as OpenVINO's CompiledModel is."""

    def __call__(self, image: np.ndarray) -> list[np.ndarray]:
        return [np.array([image.mean() / 255], np.float32)]


class FakeBackend:
    """Two devices that are not OpenVINO's; counts its compiles."""

    def __init__(self) -> None:
        self.compiled: list[tuple[str, str]] = []

    def devices(self) -> list[DeviceInfo]:
        return [DeviceInfo("FAKE0", "a fake executor"), DeviceInfo("FAKE1", "another one")]

    def describe(self, device: str) -> str:
        return f"{device} (fake)"

    def validate(self, device: str) -> str:
        if device.upper() not in ("FAKE0", "FAKE1"):
            raise DeviceError(f"unknown device {device!r}: this backend has FAKE0, FAKE1")
        return device.upper()

    def read(self, xml: Path):
        raise AssertionError("the bright recognizer reads no IR")

    def compile(self, model, device: str, precision: str, settings: RingSettings):
        self.compiled.append((device, precision))
        return FakeExecutor()


def press(key: int) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, unicode="", mod=0))


def step_until(app, done, limit: int = 900) -> None:
    for _ in range(limit):
        app.step()
        if done():
            return


def test_it_is_registered_only_while_the_test_needs_it(bright):
    assert RECOGNIZERS.names()[-1] == "bright" and load_recognizer("bright").kind == "bright"


def test_rps_bench_runs_it(bright, tmp_path):
    out = tmp_path / "bench.json"
    assert main(["bench", "-r", "bright", "--source", "synthetic", "--max", "--frames", "30",
                 "--json", str(out), "--quiet"]) == 0
    (row,) = json.loads(out.read_text())
    assert row["count"] == 29 and row["device"] == "CPU"


def test_rps_eval_data_runs_it(bright, tmp_path):
    out = tmp_path / "eval.json"
    assert main(["eval", "--data", str(FIXTURE_DATA), "-r", "bright", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["recognizer"] == "bright" and result["n"] == len(scan(FIXTURE_DATA))


def test_the_window_plays_a_round_and_teach_mode_refits_it(bright, make_app):
    app = make_app(load_recognizer("bright"))
    app.solo.start_round()
    step_until(app, lambda: app.game.state == State.REVEAL)
    assert app.game.state == State.REVEAL and app.game.rounds  # a throw was read
    assert app.stages.lines()[0].startswith("ms: mean")
    app.teacher.settings = {"per_class": 2, "rate": 30.0, "countdown": 0.0}
    press(pygame.K_t)
    step_until(app, lambda: app.pipe.model.root == personal_dir("bright"), 1200)
    assert app.pipe.model.root == personal_dir("bright")  # the personal model serves
    assert (personal_dir("bright") / "means.json").is_file()


def test_a_fake_backend_serves_the_device_list_and_a_switch_without_ov_core(
        bright, make_app, monkeypatch):
    class NoCore:
        def __init__(self, *args, **kwargs):
            raise AssertionError("ov.Core was touched")

    monkeypatch.setattr(ov, "Core", NoCore)
    backend = FakeBackend()
    app = make_app(load_recognizer("bright"), backend=backend, device="FAKE0")
    assert app.devices == ["FAKE0", "FAKE1"]
    app.step()
    assert app.scene().device == "FAKE0 (fake)"
    press(pygame.K_d)  # the next device
    step_until(app, lambda: app.device == "FAKE1", 300)
    assert app.device == "FAKE1" and app.scene().device == "FAKE1 (fake)"
    assert backend.compiled == [("FAKE0", "FP32"), ("FAKE1", "FP32")]
    step_until(app, lambda: app.last is not None and app.last.device == "FAKE1", 300)
    assert app.last.device == "FAKE1"  # read by the fake executor on the new device
