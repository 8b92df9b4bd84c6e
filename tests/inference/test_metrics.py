import numpy as np
import pytest

from rps.inference.metrics import MetricsRecorder, RateWindow
from rps.types import CLASSES, Frame, LatencyStats, Prediction
from tests.fakes import FakeClock


def _pred(t_cap: float, t_done: float, infer_ms: float = 2.0) -> Prediction:
    return Prediction(1, t_cap, t_done, np.array([0.1, 0.7, 0.1, 0.1]), CLASSES, infer_ms,
                      "CPU", "FP32")


def test_rate_window_counts_events_per_second_over_the_window():
    clock = FakeClock()
    w = RateWindow(1.0, clock)
    for _ in range(31):  # 30 intervals of 1/30 s
        w.tick()
        clock.t += 1 / 30
    assert w.rate() == pytest.approx(30, rel=0.05)
    clock.t += 2.0  # everything ages out
    assert w.rate() == 0.0


def test_recorder_latency_stats_and_reset():
    clock = FakeClock()
    m = MetricsRecorder(1.0, clock)
    for i in range(20):
        clock.t += 0.05
        m.on_capture(clock.t)
        m.on_prediction(_pred(clock.t - 0.010 - i * 0.001, clock.t, infer_ms=5.0))
    m.on_drop()
    s = m.snapshot()
    assert s.infer_fps == pytest.approx(20, rel=0.1)
    assert 10 <= s.latency.median <= 30 and s.latency.max == pytest.approx(29, abs=0.5)
    assert s.infer.median == 5.0 and s.dropped == 1 and s.device == "CPU"
    m.reset()
    s = m.snapshot()
    assert s.dropped == 0 and np.isnan(s.latency.median) and s.infer_fps == 0


def test_latency_stats_of_nothing_is_nan():
    s = LatencyStats.of([])
    assert np.isnan(s.median) and np.isnan(s.p95)


def test_frame_and_prediction_validate_their_shapes():
    with pytest.raises(ValueError):
        Frame(1, 0.0, np.zeros((4, 4), np.uint8))
    with pytest.raises(ValueError):
        Prediction(1, 0, 0, np.zeros(3), CLASSES, 1.0, "CPU", "FP32")
    p = _pred(1.0, 1.02)
    assert p.label == "rock" and p.confidence == pytest.approx(0.7)
    assert p.latency_ms == pytest.approx(20)


def test_windows_stay_bounded_when_nobody_reads_them():
    """`rps bench` and the game with the HUD hidden never call snapshot(): an hour of
    events must still hold only the last window's worth."""
    clock = FakeClock()
    m = MetricsRecorder(1.0, clock)
    for _ in range(30 * 600):  # ten minutes at 30 fps
        clock.t += 1 / 30
        m.on_capture(clock.t)
        m.on_display(clock.t)
        m.on_prediction(_pred(clock.t - 0.01, clock.t))
    for window in (m._capture, m._infer, m._display):
        assert len(window._times) <= 32
    assert len(m._lat) <= 32
    assert m.snapshot().infer_fps == pytest.approx(30, rel=0.05)
