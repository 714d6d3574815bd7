"""POST /api/v1/push: one msgpack write message in, its ack out once the
samples are durable (docs/protocol.md), through the router and the shards."""

import json
import os
import subprocess

import msgpack

CONFIG = (
    "cluster:\n  shards: 2\n  nodes: [{name: local}]\n"
    "auth:\n  tokens:\n"
    "    - {name: agent, token: push-secret, roles: [write]}\n"
    "    - {name: viewer, token: look-secret, roles: [read]}\n"
)
T0 = 1_700_000_000_000


def push(v, message, token="push-secret", raw_body=None):
    body = raw_body if raw_body is not None else msgpack.packb(message)
    headers = {"Content-Type": "application/msgpack"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    status, got, data = v.post("/api/v1/push", body=body, headers=headers, raw=True)
    assert got.get("Content-Type") == "application/msgpack", got
    return status, msgpack.unpackb(data)


def series(name, instance, samples):
    return [{"__name__": name, "instance": instance},
            [t for t, _ in samples], [float(x) for _, x in samples]]


def test_a_write_is_acknowledged_and_stored(start_vigild):
    v = start_vigild(config=CONFIG)
    batch = [series("up", f"i{i}", [(T0, 1), (T0 + 15000, 0)]) for i in range(40)]
    status, ack = push(v, ["write", 7, batch])
    assert status == 200
    assert ack == ["ack", 7, 80, []]
    # Series went to both shards and are counted.
    status, _, body = v.get("/api/v1/status/tsdb", headers={"Authorization": "Bearer look-secret"})
    assert status == 200, body
    assert json.loads(body)["data"]["headStats"]["numSeries"] == 40

    # Per-series problems come back under the client's indices; the rest is stored.
    again = [
        series("up", "i0", [(T0 + 30000, 1)]),
        series("up", "i1", [(T0 - 1, 1)]),               # older than stored
        [{"__name__": "up", "bad-name": "x"}, [T0], [1.0]],  # invalid label name
        series("temp", "i2", [(T0, 21.5)]),
    ]
    status, ack = push(v, ["write", 8, again])
    assert status == 200
    assert ack[:3] == ["ack", 8, 2]
    assert [(i, code) for i, code, _ in ack[3]] == [(1, "out_of_order"), (2, "invalid_labels")]


def test_bad_requests_get_a_msgpack_error_naming_the_problem(start_vigild):
    v = start_vigild(config=CONFIG)
    status, err = push(v, ["write", 1, []], token=None)
    assert status == 401 and err[0] == "error" and err[2] == "unauthorized"
    status, err = push(v, ["write", 1, []], token="look-secret")
    assert status == 401 and err[2] == "unauthorized" and "write role" in err[3]
    status, err = push(v, ["write", 3, [[{"__name__": "up"}, [T0, T0 + 1], [1.0]]]])
    assert status == 400 and err[:3] == ["error", 3, "bad_message"]
    assert "series 0" in err[3] and "timestamps" in err[3], err
    status, err = push(v, None, raw_body=b"\x93\xa5write")  # truncated
    assert status == 400 and err[2] == "bad_message", err
    status, err = push(v, ["ping", 4])
    assert status == 400 and err[2] == "bad_message"
    # The node keeps serving.
    status, ack = push(v, ["write", 5, [series("up", "ok", [(T0, 1)])]])
    assert status == 200 and ack == ["ack", 5, 1, []]


def test_the_example_client_pushes_over_http(start_vigild):
    v = start_vigild(config=CONFIG)
    example = os.path.join(os.environ["VIGIL_SOURCE_DIR"], "examples", "push_client.py")
    r = subprocess.run(["/usr/bin/python3", example, "--http", f"http://127.0.0.1:{v.port}",
                        "--token", "push-secret"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "write 1: 3 samples stored", r.stdout
