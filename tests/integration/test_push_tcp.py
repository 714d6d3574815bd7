"""The msgpack push protocol over TCP on the ingest port (docs/protocol.md)
against a real vigild: handshake and its failures, writes acknowledged
once durable, pipelining and backpressure, framing errors, the vigil-push
CLI and examples/push_client.py."""

import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.parse

import msgpack

from conftest import SOURCE_DIR, connect

CONFIG = (
    "cluster:\n  shards: 2\n  nodes: [{name: local}]\n"
    "auth:\n  tokens:\n"
    "    - {name: agent, token: push-secret, roles: [write]}\n"
    "    - {name: viewer, token: look-secret, roles: [read]}\n"
)
READ = {"Authorization": "Bearer look-secret"}
T0 = 1_700_000_000_000


def ingest_port(v):
    line = v.await_log(r"component=node msg=listening")
    return int(re.search(r"ingest=127\.0\.0\.1:(\d+)", line).group(1))


class Stream:
    """A raw protocol connection: send messages, read them one by one."""

    def __init__(self, port, timeout=10.0, rcvbuf=None):
        if rcvbuf is None:
            self.sock = connect(port, timeout)
        else:  # a small receive buffer must be set before connecting
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            self.sock.settimeout(timeout)
            self.sock.connect(("127.0.0.1", port))
        self.unpacker = msgpack.Unpacker(raw=False)

    def send(self, message):
        self.sock.sendall(msgpack.packb(message))

    def read(self):
        """The next message, or None once the server closed."""
        while True:
            for message in self.unpacker:
                return message
            data = self.sock.recv(65536)
            if not data:
                return None
            self.unpacker.feed(data)

    def hello(self, token="push-secret", version=1):
        self.send(["hello", version, {"token": token, "client": "test_push_tcp"}])
        return self.read()

    def close(self):
        self.sock.close()


def series(name, instance, samples):
    return [{"__name__": name, "instance": instance},
            [t for t, _ in samples], [float(x) for _, x in samples]]


def query(v, promql, at):
    q = urllib.parse.urlencode({"query": promql, "time": at / 1000})
    status, _, body = v.get(f"/api/v1/query?{q}", headers=READ)
    assert status == 200, body
    return json.loads(body)["data"]["result"]


def test_handshake_and_a_write_that_is_durable_when_acknowledged(start_vigild, tmp_path):
    data = tmp_path / "durable"
    v = start_vigild(config=CONFIG, data_dir=data)
    s = Stream(ingest_port(v))
    assert s.hello() == ["welcome", 1, {"node": "local", "max_message_bytes": 4194304,
                                        "max_inflight": 16}]
    s.send(["write", 7, [series("up", f"i{i}", [(T0, 1), (T0 + 15000, 0)]) for i in range(40)]])
    assert s.read() == ["ack", 7, 80, []]
    # Readable at once, and durable: still there after a SIGKILL and a restart.
    assert len(query(v, "up", T0 + 15000)) == 40
    v.proc.send_signal(signal.SIGKILL)
    v.wait_exit(10)
    again = start_vigild(config=CONFIG, data_dir=data)
    result = query(again, "up", T0 + 15000)
    assert len(result) == 40 and {r["value"][1] for r in result} == {"0"}


def test_refused_handshakes_get_an_error_then_the_close(start_vigild):
    v = start_vigild(config=CONFIG)
    port = ingest_port(v)
    cases = [
        ("", 1, ["error", None, "unauthorized", "missing or unknown token"]),
        ("wrong", 1, ["error", None, "unauthorized", "missing or unknown token"]),
        ("look-secret", 1, ["error", None, "unauthorized", "the token lacks the write role"]),
        ("push-secret", 2, ["error", None, "unsupported_version",
                            "hello: version 2 is not supported (only 1)"]),
    ]
    for token, version, expected in cases:
        s = Stream(port)
        assert s.hello(token, version) == expected
        assert s.read() is None
        s.close()
    s = Stream(port)
    s.send(["hello", 1, {"client": "no token"}])
    assert s.read() == ["error", None, "bad_message", 'hello: missing "token"']
    assert s.read() is None
    s = Stream(port)
    s.send(["ping", 1])
    assert s.read() == ["error", None, "bad_message", "the first message must be a hello"]
    assert s.read() is None


def test_ping_pong_and_per_message_errors_keep_the_stream(start_vigild):
    v = start_vigild(config=CONFIG)
    s = Stream(ingest_port(v))
    assert s.hello()[0] == "welcome"
    s.send(["ping", 9])
    assert s.read() == ["pong", 9]
    s.send(["write", 3, [[{"__name__": "up"}, [T0, T0 + 1], [1.0]]]])
    err = s.read()
    assert err[:3] == ["error", 3, "bad_message"] and "series 0" in err[3], err
    s.send({"not": "an array"})
    assert s.read()[:3] == ["error", None, "bad_message"]
    s.send(["write", 4, [series("up", "x", [(T0, 1)]), [{"__name__": "up", "bad-name": "x"},
                                                        [T0], [1.0]]]])
    ack = s.read()
    assert ack[:3] == ["ack", 4, 1] and [i[:2] for i in ack[3]] == [[1, "invalid_labels"]]


def test_garbage_truncated_and_oversize_messages_end_the_connection(start_vigild):
    v = start_vigild(config=CONFIG)
    port = ingest_port(v)
    s = Stream(port)
    s.hello()
    s.sock.sendall(b"\xc1\x00garbage")
    assert s.read()[:3] == ["error", None, "bad_message"]
    assert s.read() is None

    s = Stream(port)
    s.hello()
    whole = msgpack.packb(["write", 1, [series("up", "t", [(T0, 1)])]])
    s.sock.sendall(whole[:-3])
    s.sock.shutdown(socket.SHUT_WR)
    assert s.read() == ["error", None, "bad_message",
                        f"the stream ended inside a message ({len(whole) - 3} bytes)"]
    assert s.read() is None

    s = Stream(port)
    s.hello()
    big = [series("big", "t", [(T0 + i, i) for i in range(250_000)])]  # ~4.5 MB
    threading.Thread(target=lambda: _send_ignoring_reset(s, ["write", 2, big]), daemon=True).start()
    err = s.read()
    assert err[:3] == ["error", None, "too_large"], err
    assert s.read() is None
    # The node keeps serving.
    ok = Stream(port)
    assert ok.hello()[0] == "welcome"


def _send_ignoring_reset(stream, message):
    try:
        stream.send(message)
    except OSError:  # the server closed while we were still sending
        pass


def vm_rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def push_metric(v, name):
    _, _, body = v.get("/metrics")
    m = re.search("^" + re.escape(name) + r" (\S+)$", body, re.M)
    return float(m.group(1)) if m else 0.0


def test_a_client_that_does_not_read_acks_is_held_back_with_bounded_memory(start_vigild):
    """Each write has 200 series with invalid labels, so each ack carries
    200 issues (~15 KB): a client that sends 6,000 writes (~45 MB) without
    reading fills the sockets with acks, and the server must stop reading
    rather than queue ~90 MB of answers."""
    v = start_vigild(config=CONFIG)
    s = Stream(ingest_port(v), timeout=60, rcvbuf=4096)
    assert s.hello()[0] == "welcome"
    baseline = vm_rss_kb(v.proc.pid)
    writes = 6000
    bad = [[{"__name__": "up", f"bad-{i}": "x"}, [T0], [1.0]] for i in range(200)]
    message = lambda seq: msgpack.packb(["write", seq, bad])
    sent = [0]

    def sender():
        for seq in range(1, writes + 1):
            s.sock.sendall(message(seq))
            sent[0] = seq

    t = threading.Thread(target=sender, daemon=True)
    t.start()
    # Wait (bounded) until the sender is stuck: the server stopped reading.
    deadline, last, stuck_since = time.monotonic() + 30, -1, None
    while time.monotonic() < deadline and t.is_alive():
        if sent[0] != last:
            last, stuck_since = sent[0], time.monotonic()
        elif time.monotonic() - stuck_since > 1.0:
            break
        t.join(0.05)
    assert t.is_alive(), "the server read every write although nobody read its acks"
    read_by_server = push_metric(v, 'vigil_push_messages_received_total{type="write"}')
    assert read_by_server < writes / 2, read_by_server
    assert vm_rss_kb(v.proc.pid) - baseline < 40_000  # KB; queueing the acks would take ~90 MB
    # Now read: every ack arrives, in order, and the sender finishes.
    start = time.monotonic()
    for seq in range(1, writes + 1):
        ack = s.read()
        assert ack is not None and ack[:3] == ["ack", seq, 0] and len(ack[3]) == 200, ack[:3]
    t.join(30)
    assert not t.is_alive()
    assert time.monotonic() - start < 60


def test_pipelined_writes_are_all_acknowledged_in_order(start_vigild):
    v = start_vigild(config=CONFIG)
    s = Stream(ingest_port(v))
    s.hello()
    writes = 500
    payload = b"".join(msgpack.packb(["write", seq, [series("pipe", f"i{seq % 50}",
                                                            [(T0 + seq * 1000, seq)])]])
                       for seq in range(1, writes + 1))
    s.sock.sendall(payload)
    for seq in range(1, writes + 1):
        assert s.read() == ["ack", seq, 1, []]
    assert len(query(v, "pipe", T0 + writes * 1000)) == 50
    assert push_metric(v, "vigil_push_samples_accepted_total") == writes
    assert push_metric(v, "vigil_push_series_by_ref_total") > 0  # the series cache


def run_cli(vigild_bin, v, *args, stdin=None):
    binary = os.path.join(os.path.dirname(vigild_bin), "vigil-push")
    return subprocess.run([binary, "--connect", f"127.0.0.1:{ingest_port(v)}", *args],
                          input=stdin, capture_output=True, text=True, timeout=60)


def test_the_cli_pushes_a_file_and_stdin(start_vigild, vigild_bin, tmp_path):
    v = start_vigild(config=CONFIG)
    lines = ["# TYPE cli_total counter"]
    lines += [f'cli_total{{host="h{i % 10}"}} {i} {T0 + i * 1000}' for i in range(1000)]
    path = tmp_path / "samples.prom"
    path.write_text("\n".join(lines) + "\n")
    r = run_cli(vigild_bin, v, "--token", "push-secret", "--batch", "300", str(path))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "pushed 1000 samples in 4 writes to local: 1000 stored, 0 not stored\n"
    assert len(query(v, "cli_total", T0 + 999_000)) == 10

    token_file = tmp_path / "token"
    token_file.write_text("push-secret\n")
    r = run_cli(vigild_bin, v, "--token-file", str(token_file), "-",
                stdin=f'cli_total{{host="h0"}} 1 {T0}\ncli_gauge 2 {T0}\n')
    assert r.returncode == 1, r.stderr  # h0 already has newer samples
    out = r.stdout.splitlines()
    assert out[-1] == "pushed 2 samples in 1 writes to local: 1 stored, 1 not stored"
    assert out[0].startswith('write 1: cli_total{host="h0"}: out_of_order: ')

    r = run_cli(vigild_bin, v, "--token", "wrong", stdin="x 1\n")
    assert r.returncode == 4
    assert r.stderr == "vigil-push: server: unauthorized: missing or unknown token\n"
    r = run_cli(vigild_bin, v, stdin="x{ 1\n")
    assert r.returncode == 3 and "line 1" in r.stderr
    r = subprocess.run([os.path.join(os.path.dirname(vigild_bin), "vigil-push")],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 2


def test_the_example_client_pushes_over_tcp(start_vigild):
    v = start_vigild(config=CONFIG)
    example = os.path.join(SOURCE_DIR, "examples", "push_client.py")
    r = subprocess.run(["/usr/bin/python3", example, "--port", str(ingest_port(v)),
                        "--token", "push-secret"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "connected to local (max_message_bytes 4194304, max_inflight 16)",
        "write 1: 3 samples stored"]


def test_shutdown_drains_connections(start_vigild):
    v = start_vigild(config=CONFIG)
    s = Stream(ingest_port(v))
    s.hello()
    s.send(["write", 1, [series("up", "d", [(T0, 1)])]])
    assert s.read() == ["ack", 1, 1, []]
    v.proc.send_signal(signal.SIGTERM)
    assert s.read() == ["error", None, "overloaded",
                        "the node is shutting down; resend unanswered writes"]
    assert s.read() is None
    assert v.wait_exit(15) == 0
