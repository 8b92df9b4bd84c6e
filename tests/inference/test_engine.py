import threading
import time

import pytest

from rps.capture import SyntheticSource
from rps.errors import DeviceError, ModelError
from rps.inference.core import make_core
from rps.inference.engine import Engine
from rps.inference.modelfiles import load_model_files, read_labels
from rps.pipeline import Pipeline
from rps.recognizers.cnn import load_cnn
from rps.types import RingSettings
from tests.tinymodel import write_tiny_model_dir


def _collect(pipe: Pipeline, timeout: float = 10.0) -> list:
    preds, t_end = [], time.perf_counter() + timeout
    while not pipe.finished and time.perf_counter() < t_end:
        p = pipe.get(0.1)
        if p is not None:
            preds.append(p)
    pipe.check()
    return preds


def test_predictions_arrive_in_order_from_a_synthetic_source(tiny_model):
    files = load_cnn(tiny_model)
    with Pipeline(SyntheticSource(count=300), files, settings=RingSettings("THROUGHPUT", 4),
                  paced=False) as pipe:
        preds = _collect(pipe)
        assert pipe.recognizer.nireq == 4
    assert [p.seq for p in preds] == list(range(1, 301))
    assert all(p.t_done >= p.t_capture for p in preds)
    assert all(abs(p.scores.sum() - 1) < 1e-3 for p in preds)


def test_switch_mid_stream_keeps_order_and_loses_nothing(tiny_model):
    files = load_cnn(tiny_model)
    pipe = Pipeline(SyntheticSource(count=600, fps=600), files,
                    settings=RingSettings("THROUGHPUT", 3))
    with pipe:
        preds = []
        while len(preds) < 100:
            p = pipe.get(1)
            preds.append(p)
        pipe.switch("AUTO", "FP16")
        preds += _collect(pipe)
        events = pipe.engine.events()
        submitted = pipe.engine._next_in
    seqs = [p.seq for p in preds]
    assert seqs == sorted(seqs) and len(preds) == submitted
    served = [(p.device, p.precision) for p in preds]
    first_new = served.index(("AUTO", "FP16"))
    assert set(served[:first_new]) == {("CPU", "FP32")}
    assert set(served[first_new:]) == {("AUTO", "FP16")}
    assert [e.kind for e in events] == ["ready"]


def test_rapid_switches_do_not_crash_lose_or_reorder(tiny_model):
    files = load_cnn(tiny_model)
    pipe = Pipeline(SyntheticSource(count=1500, fps=1000), files,
                    settings=RingSettings("THROUGHPUT"))
    targets = ["AUTO", "CPU", "MULTI:CPU", "HETERO:CPU"]
    with pipe:
        preds = []
        for i in range(200):
            pipe.switch(targets[i % 4], "FP16" if i % 3 else "FP32")
            preds += pipe.poll()
        preds += _collect(pipe)
        submitted = pipe.engine._next_in
    assert [p.seq for p in preds] == sorted(p.seq for p in preds)
    assert len(preds) == submitted
    assert pipe.threads_alive() == []


def test_failed_switch_keeps_the_old_device(tiny_model):
    """Each failed switch is an event and the old ring serves on. (A request made while
    another is pending adds to it, so the second one is made after the first failed.)"""
    files = load_cnn(tiny_model)

    def failures(pipe, n):
        events, t_end = [], time.perf_counter() + 5
        while len(events) < n and time.perf_counter() < t_end:
            events += [e for e in pipe.engine.events() if e.kind == "failed"]
            time.sleep(0.05)
        return events

    with Pipeline(SyntheticSource(count=200, fps=400), files) as pipe:
        pipe.switch("NOSUCHDEVICE")
        first = failures(pipe, 1)
        pipe.switch(precision="INT8")  # tiny has no INT8 variant
        second = failures(pipe, 1)
        preds = _collect(pipe)
    assert first and "NOSUCHDEVICE" in first[-1].message
    assert second and second[-1].kind == "failed"
    assert "INT8" in second[-1].message
    assert {p.device for p in preds} == {"CPU"}


def test_every_thread_is_joined_within_two_seconds(tiny_model):
    files = load_cnn(tiny_model)
    before = {t.name for t in threading.enumerate()}
    pipe = Pipeline(SyntheticSource(fps=300), files).start()
    pipe.switch("AUTO")
    time.sleep(0.3)
    t0 = time.perf_counter()
    pipe.stop()
    assert time.perf_counter() - t0 < 2
    assert pipe.threads_alive() == []
    leaked = {t.name for t in threading.enumerate()} - before
    assert not {n for n in leaked if n.startswith("rps")}


def test_missing_model_folder(tmp_path):
    with pytest.raises(ModelError, match="no model at"):
        load_model_files(tmp_path / "nope")


def test_missing_weights_file(tiny_model, tmp_path):
    d = write_tiny_model_dir(tmp_path / "m", precisions=("FP32",))
    (d / "FP32" / "model.bin").unlink()
    with pytest.raises(ModelError, match="weights file missing"):
        load_model_files(d)


def test_unknown_device_names_what_exists(tiny_model):
    with pytest.raises(DeviceError, match=r"unknown device 'GPU7'.*CPU"):
        Engine(load_cnn(tiny_model), device="GPU7")


def test_teachable_machine_labels_drop_the_index(tmp_path):
    p = tmp_path / "labels.txt"
    p.write_text("0 none\n1 rock\n2 paper\n3 scissors\n")
    assert read_labels(p) == ("none", "rock", "paper", "scissors")


def test_model_cache_is_written_to_the_cache_dir(tiny_model, tmp_path):
    files = load_cnn(tiny_model)
    core = make_core(tmp_path / "cache")
    Engine(files, backend=core).close()
    assert any((tmp_path / "cache").iterdir())
