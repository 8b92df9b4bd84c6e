"""`rps serve`: what it lists, where it listens, and that bad requests get v2 errors while
it serves on (a real server subprocess, spoken to with tritonclient and plain HTTP)."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import numpy as np
import pytest

from rps.errors import DeviceError
from rps.inference.backend import open_backend
from rps.recognizers import load_recognizer
from tests.clitools import rps, rps_env, says


def test_list_names_each_stage_and_its_tensors():
    r = rps("serve", "--list", "--precision", "FP16", timeout=120)
    assert r.returncode == 0, r.stderr
    for prefix in ("palm-fp16-", "landmarks-fp16-", "rps-hand-fp16-", "rps-mobilenet-fp16-"):
        assert prefix in r.stdout, r.stdout
    assert "in   input_1 UINT8 [1, 192, 192, 3]" in r.stdout  # u8: the scaling is in the IR
    assert "in   keras_tensor UINT8 [1, -1, -1, 3]" in r.stdout  # the CNN takes any frame


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port`` (from /proc/net/tcp*)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for row in f.read().splitlines()[1:]:
                local, state = row.split()[1], row.split()[3]
                addr, p = local.rsplit(":", 1)
                if state == "0A" and int(p, 16) == port:
                    found.add(addr)
    return found


def test_binds_loopback_only_by_default(served):
    for port in (served.port, served.rest_port):
        addrs = _listening_addresses(port)
        assert addrs, port
        # 127.0.0.1 as IPv4, or IPv4-mapped in IPv6; never 0.0.0.0 / ::
        assert all(a.endswith("0100007F") for a in addrs), addrs


def _client(served):
    import tritonclient.grpc as grpcclient

    return grpcclient, grpcclient.InferenceServerClient(f"127.0.0.1:{served.port}")


def _palm_name() -> str:
    from rps.inference.served import served_name

    return served_name(load_recognizer("hand").palm.xml("FP16"))


def _request(grpcclient, x: np.ndarray, name: str = "input_1", dtype: str = "UINT8"):
    t = grpcclient.InferInput(name, list(x.shape), dtype)
    t.set_data_from_numpy(x)
    return [t]


def test_bad_requests_get_v2_errors_and_the_server_serves_on(served):
    from tritonclient.utils import InferenceServerException

    grpcclient, client = _client(served)
    palm = _palm_name()
    good = np.zeros((1, 192, 192, 3), np.uint8)
    bad = {
        "model name": ("no-such-model", _request(grpcclient, good)),
        "shape": (palm, _request(grpcclient, np.zeros((1, 100, 192, 3), np.uint8))),
        "dtype": (palm, _request(grpcclient, good.astype(np.float32), dtype="FP32")),
        "input name": (palm, _request(grpcclient, good, name="pixels")),
        "oversized": (palm, _request(grpcclient, np.zeros((1, 2600, 2600, 3), np.uint8))),
    }
    for what, (model, inputs) in bad.items():
        with pytest.raises(InferenceServerException) as info:
            client.infer(model, inputs, client_timeout=10)
        assert info.value.message(), what
    result = client.infer(palm, _request(grpcclient, good), client_timeout=10)
    assert result.as_numpy("Identity").shape == (1, 2016, 18)
    assert result.get_response().parameters["device"].string_param.startswith("CPU")
    client.close()


def test_rest_refuses_an_oversized_body_and_answers_v2(served):
    base = f"http://127.0.0.1:{served.rest_port}/v2/models/{_palm_name()}"
    conn = http.client.HTTPConnection("127.0.0.1", served.rest_port, timeout=30)
    conn.putrequest("POST", f"/v2/models/{_palm_name()}/infer")
    conn.putheader("Content-Length", str(17 << 20))  # refused by size, before any body
    conn.endheaders()
    big = conn.getresponse()
    assert big.status == 413 and "error" in json.loads(big.read())
    conn.close()
    wrong = json.dumps({"inputs": [{"name": "input_1", "shape": [1, 2], "datatype": "UINT8",
                                    "data": [1, 2]}]}).encode()
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(urllib.request.Request(
            f"{base}/infer", data=wrong, headers={"Content-Type": "application/json"}),
            timeout=30)
    assert info.value.code == 400 and "shape" in json.loads(info.value.read())["error"]
    with urllib.request.urlopen(base, timeout=30) as meta:  # v2 model metadata still served
        assert json.loads(meta.read())["inputs"][0]["datatype"] == "UINT8"


def test_a_server_without_the_models_is_named(served):
    """INT8 is not served here: the client names the model it lacks, before any frame."""
    model = load_recognizer("hand")
    with pytest.raises(DeviceError, match=r"does not serve palm-int8-[0-9a-f]{8}"):
        model.build(open_backend(), served.device, "INT8", (480, 640),
                    __import__("rps.types").types.RingSettings())


def test_export_writes_the_served_ir_for_openvino_model_server(tmp_path):
    import openvino as ov

    r = rps("serve", "--export", tmp_path / "ovms", "--precision", "FP16", timeout=120)
    assert r.returncode == 0, r.stderr
    config = json.loads((tmp_path / "ovms" / "config.json").read_text())
    names = [m["config"]["name"] for m in config["model_config_list"]]
    listed = rps("serve", "--list", "--precision", "FP16", timeout=120).stdout
    assert len(names) == 4 and all(n in listed for n in names)
    palm = next(n for n in names if n.startswith("palm-"))
    model = ov.Core().read_model(tmp_path / "ovms" / palm / "1" / "model.xml")
    assert model.input(0).get_element_type() == ov.Type.u8  # the scaling travels in the IR


def test_a_port_in_use_or_a_foreign_address_is_one_line(served):
    r = rps("serve", "--port", served.port, "--precision", "FP16", timeout=60)
    says(r, 2, f"cannot listen on 127.0.0.1:{served.port}")
    r = rps("serve", "--host", "192.0.2.1", "--port", served.port, timeout=60)  # TEST-NET
    says(r, 2, "cannot listen on 192.0.2.1")


def test_rest_serves_v2_json_requests(served):
    """The same models over REST: the classifier on 66 pose features, as JSON."""
    from rps.inference.served import served_name

    name = served_name(load_recognizer("hand").files.xml("FP16"))
    body = json.dumps({"inputs": [{"name": "keras_tensor", "shape": [1, 66],
                                   "datatype": "FP32", "data": [0.0] * 66}]}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{served.rest_port}/v2/models/{name}/infer",
                                 data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        out = json.loads(r.read())["outputs"][0]
    assert out["name"] == "output_0" and out["shape"] == [1, 4] and len(out["data"]) == 4


def test_rest_refuses_an_oversized_chunked_body(served):
    """No Content-Length to trust: the bytes are counted as they arrive."""
    conn = http.client.HTTPConnection("127.0.0.1", served.rest_port, timeout=30)
    conn.putrequest("POST", f"/v2/models/{_palm_name()}/infer")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.putheader("Content-Type", "application/json")
    conn.endheaders()
    chunk = b"x" * (1 << 20)
    try:
        for _ in range(20):
            conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        conn.send(b"0\r\n\r\n")
    except OSError:  # the server answered and closed before the whole body was sent
        pass
    reply = conn.getresponse()
    assert reply.status == 413 and "limit" in json.loads(reply.read())["error"]
    conn.close()


def test_no_client_can_load_or_unload_models(served):
    """KServe's model repository extension would let anyone unload every model."""
    from tritonclient.utils import InferenceServerException

    name = _palm_name()
    req = urllib.request.Request(
        f"http://127.0.0.1:{served.rest_port}/v2/repository/models/{name}/unload", data=b"{}",
        headers={"Content-Type": "application/json"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=30)
    assert info.value.code == 403
    _, client = _client(served)
    for call in (client.unload_model, client.load_model):
        with pytest.raises(InferenceServerException) as refused:
            call(name, client_timeout=10)
        assert "UNIMPLEMENTED" in str(refused.value.status()), refused.value
    assert client.is_model_ready(name, client_timeout=10)
    client.close()


def test_a_rest_port_past_65535_is_one_line():
    says(rps("serve", "--port", 65535, "--precision", "FP16", timeout=60), 2, "65535")


def test_a_port_taken_after_the_check_is_one_line(tmp_path):
    """Taken between check_listen and the bind: one line, not a traceback (and with
    so_reuseport off, gRPC cannot share the port with another server)."""
    from tests.servers import free_port, need_serve_extra

    need_serve_extra()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = ("import sys, rps.serve.main as m; m.check_listen = lambda h, p: None; "
                "from rps.cli import main; sys.exit(main(sys.argv[1:]))")
        r = subprocess.run([sys.executable, "-c", code, "serve", "--port", str(port),
                            "--rest-port", str(free_port()), "--precision", "FP16"],
                           capture_output=True, text=True, timeout=120, env=rps_env(),
                           stdin=subprocess.DEVNULL)
    assert f"cannot listen on 127.0.0.1:{port}" in r.stderr and r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
