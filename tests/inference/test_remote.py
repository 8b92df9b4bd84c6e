"""Remote devices against a real `rps serve` subprocess: the same readings as local, through
`rps bench` too; a bad or unreachable address is one line and exit 2."""

from __future__ import annotations

import contextlib
import json

import numpy as np
import openvino as ov

from rps.capture import DEMO_CLIP, open_source
from rps.inference.backend import open_backend
from rps.pipeline import Pipeline
from rps.recognizers import load_recognizer
from tests.clitools import rps, says
from tests.servers import free_port

FRAMES = 90


def _read(model, device: str, precision: str) -> dict:
    """seq -> prediction for the demo clip's first frames, unpaced (every frame read)."""
    out = {}
    with Pipeline(open_source(DEMO_CLIP), model, device, precision, paced=False,
                  max_frames=FRAMES, backend=open_backend()) as pipe:
        while not pipe.finished:
            for p in pipe.take(0.5):
                out[p.seq] = p
            pipe.check()
    return out


def test_remote_hand_reads_the_demo_clip_as_local(served):
    """Landmarks within 0.5% of the hand's size, the same throws, on every frame both read."""
    model = load_recognizer("hand")
    local, remote = (_read(model, d, "FP16") for d in ("CPU", served.device))
    assert len(remote) >= FRAMES * 0.9 and {p.device for p in remote.values()} == {
        served.device}
    both = sorted(set(local) & set(remote))
    compared = 0
    for seq in both:
        a, b = local[seq], remote[seq]
        assert len(a.hands) == len(b.hands), seq
        for ha, hb in zip(a.hands, b.hands, strict=True):
            size = float(np.ptp(ha.landmarks[:, :2], axis=0).max())
            err = float(np.abs(ha.landmarks[:, :2] - hb.landmarks[:, :2]).max())
            assert err <= 0.005 * size, (seq, err, size)
            compared += 1
        assert a.label == b.label, seq
    assert compared >= 30  # the clip shows a hand on most frames


def test_remote_cnn_classifies_as_local(served):
    """The CNN's frames travel whole (u8) and are resized by the served IR, as locally."""
    model = load_recognizer("cnn")
    local, remote = (_read(model, d, "FP32") for d in ("CPU", served.device))
    both = sorted(set(local) & set(remote))
    assert len(both) >= FRAMES * 0.9
    for seq in both:
        np.testing.assert_allclose(local[seq].scores, remote[seq].scores, atol=1e-3)


def test_bench_runs_on_a_remote_device(served, tmp_path):
    out = tmp_path / "bench.json"
    r = rps("bench", "--device", served.device, "--demo", "--frames", "40", "--precision",
            "FP16", "--quiet", "--json", out, timeout=180)
    assert r.returncode == 0, r.stderr
    rows = json.loads(out.read_text())
    text = json.dumps(rows)
    assert served.device in text and "FP16" in text


def test_an_unreachable_or_malformed_address_is_one_line():
    closed = f"remote:127.0.0.1:{free_port()}"  # nothing listens there
    r = rps("bench", "--device", closed, "--demo", "--frames", "5", "--quiet", timeout=60)
    says(r, 2, "cannot reach a KServe v2 server at 127.0.0.1:")
    r = rps("bench", "--device", "remote:nowhere", "--demo", "--frames", "5", timeout=60)
    says(r, 2, "bad remote device", "remote:HOST:PORT")
    r = rps("play", "--device", "remote:127.0.0.1:99999", "--demo", "--frames", "5",
            timeout=60)
    says(r, 2, "bad remote device")


def test_devices_lists_remote_servers_and_says_which_cannot_be_reached(served):
    closed, shouted = (f"127.0.0.1:{free_port()}" for _ in range(2))
    r = rps("devices", "--remote", f"127.0.0.1:{served.port}", "--remote", closed,
            "--remote", f"REMOTE:LOCALHOST:{shouted.split(':')[1]}", timeout=60)
    assert r.returncode == 0, r.stderr
    rows = {ln.split()[0]: ln for ln in r.stdout.splitlines() if ln.strip()}
    assert "CPU" in rows and "unreachable" not in rows[served.device]
    assert "unreachable: cannot reach" in rows[f"remote:{closed}"]
    # named in any case: listed, and checked, as remote:localhost:PORT
    assert "unreachable: cannot reach" in rows[f"remote:localhost:{shouted.split(':')[1]}"]


def test_a_hung_server_is_left_at_the_call_deadline(own_server):
    """SIGSTOP: nothing answers and nothing refuses; each call's deadline ends the wait, the
    engine reports the loss (not an error) and the local standby serves."""
    import os
    import signal
    import time

    own_server.start()
    device = own_server.device
    with Pipeline(open_source(DEMO_CLIP), load_recognizer("hand"), device, "FP16", loop=True,
                  backend=open_backend()) as pipe:
        deadline, read = time.monotonic() + 60, 0
        while read < 30:  # a second of play on the server
            assert time.monotonic() < deadline
            read += sum(p.device == device for p in pipe.take(0.1))
        os.killpg(own_server.proc.pid, signal.SIGSTOP)
        kinds, last = [], None
        deadline = time.monotonic() + 20
        while last is None or last.device != "CPU":
            assert time.monotonic() < deadline, kinds
            last = next(iter(pipe.take(0.1)[-1:]), last)
            kinds += [e.kind for e in pipe.events()]
        pipe.check()  # no error raised: the loss was a fall-back
    assert kinds[:2] == ["lost", "ready"], kinds


def test_a_call_deadline_grows_with_its_payload():
    """0.5 s is the server's share; a 6 MB CNN frame gets its time on a 100 Mbit/s link too
    (half a second more), so a slow link is not taken for a dead server."""
    import pytest

    pytest.importorskip("tritonclient")
    from openvino import opset13 as ops

    from rps.inference.remote_exec import TIMEOUT, RemoteCompiled, Traffic

    x = ops.parameter([1, 1080, 1920, 3], np.uint8, name="image")
    model = ov.Model([ops.relu(ops.convert(x, np.float32))], [x])
    deadlines = []

    class Client:
        def infer(self, name, inputs, client_timeout):
            deadlines.append(client_timeout)
            raise RuntimeError("no server here")

    request = RemoteCompiled(Client(), "cnn", model, Traffic()).create_infer_request()
    for shape in ([1, 8, 8, 3], [1, 1080, 1920, 3]):
        with contextlib.suppress(RuntimeError):
            request.infer({0: np.zeros(shape, np.uint8)})
    with contextlib.suppress(RuntimeError):
        request.infer({0: np.zeros([1, 8, 8, 3], np.uint8)}, timeout=3.0)
    assert deadlines[0] == pytest.approx(TIMEOUT, abs=0.001)
    assert deadlines[1] == pytest.approx(TIMEOUT + 1080 * 1920 * 3 / 12.5e6)
    assert deadlines[2] == 3.0
