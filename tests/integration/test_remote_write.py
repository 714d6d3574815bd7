"""Push endpoints fed by real senders: Debian's Prometheus remote-writing to
vigil, and InfluxDB line protocol."""

import json
import shutil
import socket
import subprocess
import time

import pytest


def free_port():
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def head_series(v):
    status, _, body = v.get("/api/v1/status/tsdb")
    assert status == 200, body
    return json.loads(body)["data"]["headStats"]["numSeries"]


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.fixture
def prometheus(tmp_path):
    binary = shutil.which("prometheus")
    assert binary, "prometheus (Debian package prometheus) is required"
    procs = []

    def start(config):
        """Starts Prometheus with config(port), port being where it listens."""
        port = free_port()
        (tmp_path / "prometheus.yml").write_text(config(port))
        p = subprocess.Popen(
            [binary, f"--config.file={tmp_path / 'prometheus.yml'}",
             f"--storage.tsdb.path={tmp_path / 'prom'}",
             f"--web.listen-address=127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(p)
        return port

    yield start
    for p in procs:
        p.terminate()
        p.wait(timeout=10)


def test_prometheus_remote_writes_into_vigil(start_vigild, prometheus):
    v = start_vigild()
    prometheus(lambda port: f"""
global: {{scrape_interval: 1s}}
scrape_configs:
  - job_name: prometheus
    static_configs: [{{targets: ["127.0.0.1:{port}"]}}]
remote_write:
  - url: http://127.0.0.1:{v.port}/api/v1/write
    queue_config: {{batch_send_deadline: 1s}}
""")
    # Prometheus scrapes itself once it listens, then forwards every sample.
    wait_for(lambda: head_series(v) > 100, 60, "remote-written series")
    status, _, metrics = v.get("/metrics")
    assert 'handler="/api/v1/write",code="204"' in metrics


def test_line_protocol_lines_become_series_and_bad_lines_are_named(start_vigild):
    v = start_vigild()
    body = b"cpu,host=a usage_user=1.5,usage_system=2i 1700000000\n" \
           b"mem,host=a used=4096i 1700000000\n"
    status, _, text = v.post("/write?precision=s", body=body)
    assert status == 204, text
    assert head_series(v) == 3
    status, _, text = v.post("/write?precision=s", body=b"disk,host=a free=1 1700000000\n"
                                                      b"disk,host=b free=oops 1700000000\n")
    assert status == 400
    error = json.loads(text)["error"]
    assert error.startswith("partial write: 1 series not stored") and "line 2" in error, error
    assert head_series(v) == 4
    status, _, text = v.post("/write?precision=fortnight", body=body)
    assert status == 400 and "precision" in json.loads(text)["error"]
