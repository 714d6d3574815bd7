"""A running node: health, readiness, self-metrics checked by promtool,
supervision under injected faults, and shutdown."""

import re
import shutil
import signal
import subprocess
import time

import pytest

from conftest import connect


def metric_value(text, name, labels=""):
    m = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.M)
    return float(m.group(1)) if m else None


def test_healthy_ready_and_metrics(start_vigild):
    v = start_vigild()
    status, _, body = v.get("/-/healthy")
    assert status == 200 and "Healthy" in body
    status, _, body = v.get("/-/ready")
    assert status == 200
    status, headers, body = v.get("/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    for name in ("process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
                 "process_start_time_seconds", "vigil_build_info", "vigil_actor_messages_total"):
        assert re.search(rf"^{name}[{{ ]", body, re.M), name
    # Earlier requests show up by handler and code, with latency.
    assert metric_value(body, "vigil_http_requests_total", '{handler="/-/healthy",code="200"}') == 1
    assert 'vigil_http_request_duration_seconds_bucket{handler="/-/ready",le="+Inf"} 1' in body


def test_metrics_pass_promtool(start_vigild):
    promtool = shutil.which("promtool")
    assert promtool, "promtool (Debian package prometheus) is required"
    v = start_vigild()
    v.get("/nope")  # a 404 makes the request metrics richer
    _, _, body = v.get("/metrics")
    r = subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr


def test_unknown_path_and_method_get_prometheus_errors(start_vigild):
    v = start_vigild()
    status, _, body = v.get("/api/v1/nope")
    assert status == 404 and '"status":"error"' in body
    status, headers, body = v.post("/-/healthy", body=b"")
    assert status == 405 and "GET" in headers.get("Allow", "")


def restarts(v):
    _, _, body = v.get("/metrics")
    return metric_value(body, "vigil_actor_restarts_total", '{kind="supervisor"}') or 0


def test_failed_child_is_restarted_and_counted(start_vigild):
    v = start_vigild()
    assert restarts(v) == 0
    for n, mode in enumerate(("throw", "exit", "kill"), start=1):
        status, _, body = v.post(f"/api/v1/admin/fault?actor=node/storage&mode={mode}", body=b"")
        assert status == 200, body
        v.await_log(r"msg=\"child restarted\".*child=node/storage", timeout=10, count=n)
        assert restarts(v) == n
    status, _, _ = v.get("/-/healthy")
    assert status == 200


def test_failing_faster_than_intensity_exits_1_naming_the_child(start_vigild):
    v = start_vigild()
    # The node supervisor tolerates 5 restarts in 30 s; the 6th failure escalates.
    for n in range(1, 6):
        status, _, body = v.post("/api/v1/admin/fault?actor=node/ingest&mode=kill", body=b"")
        assert status == 200, body
        v.await_log(r"msg=\"child restarted\".*child=node/ingest", timeout=15, count=n)
    status, _, body = v.post("/api/v1/admin/fault?actor=node/ingest&mode=kill", body=b"")
    assert status == 200, body
    assert v.wait_exit(timeout=10) == 1
    v.await_log(r"level=error .*msg=escalating .*child=node/ingest")


def test_fault_injection_needs_the_admin_role(start_vigild):
    v = start_vigild(config=(
        "auth:\n"
        "  tokens:\n"
        "    - {name: ops, token: admin-secret, roles: [admin]}\n"
        "    - {name: grafana, token: read-secret, roles: [read]}\n"))
    url = "/api/v1/admin/fault?actor=node/storage&mode=exit"
    status, _, body = v.post(url, body=b"")
    assert status == 401 and '"errorType":"unauthorized"' in body
    status, _, body = v.post(url, body=b"", headers={"Authorization": "Bearer wrong"})
    assert status == 401
    status, _, body = v.post(url, body=b"", headers={"Authorization": "Bearer read-secret"})
    assert status == 403 and "admin" in body
    status, _, body = v.post(url, body=b"", headers={"Authorization": "Bearer admin-secret"})
    assert status == 200, body
    status, _, body = v.post("/api/v1/admin/fault?actor=node/nothing", body=b"",
                             headers={"Authorization": "Bearer admin-secret"})
    assert status == 404 and "node/nothing" in body


def test_sigterm_with_connected_clients_exits_0_within_10s(start_vigild):
    v = start_vigild()
    idle = connect(v.port)                      # keep-alive connection, idle
    idle.sendall(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n")
    assert b"200" in idle.recv(4096)
    partial = connect(v.port)                   # a request only half sent
    partial.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
    fresh = connect(v.port)                     # connected, nothing sent
    t0 = time.monotonic()
    v.proc.send_signal(signal.SIGTERM)
    assert v.wait_exit(timeout=10) == 0, v.log()
    assert time.monotonic() - t0 < 10
    v.await_log(r"msg=stopped exit_code=0")
    for s in (idle, partial, fresh):
        s.close()


def test_sigint_exits_0(start_vigild):
    v = start_vigild()
    v.proc.send_signal(signal.SIGINT)
    assert v.wait_exit(timeout=10) == 0, v.log()


def test_storage_status_and_flush(start_vigild, tmp_path):
    v = start_vigild(config=(
        "cluster:\n"
        "  shards: 3\n"
        "  nodes: [{name: local}]\n"
        "auth:\n"
        "  tokens:\n"
        "    - {name: ops, token: admin-secret, roles: [admin]}\n"
        "    - {name: grafana, token: read-secret, roles: [read]}\n"))
    status, _, body = v.get("/api/v1/status/tsdb", headers={"Authorization": "Bearer read-secret"})
    assert status == 200, body
    data = __import__("json").loads(body)["data"]
    assert data["headStats"]["numSeries"] == 0
    assert data["storage"]["shards"] == 3
    assert set(data["storage"]["bytes"]) == {"chunks", "rollups", "index", "wal"}
    status, _, body = v.post("/api/v1/admin/flush", body=b"",
                             headers={"Authorization": "Bearer read-secret"})
    assert status == 403
    status, _, body = v.post("/api/v1/admin/flush", body=b"",
                             headers={"Authorization": "Bearer admin-secret"})
    assert status == 200, body
    assert '"shards":3' in body
    _, _, metrics = v.get("/metrics")
    assert 'vigil_shard_series{shard="2"} 0' in metrics


def test_second_signal_during_shutdown_exits_at_once(start_vigild):
    v = start_vigild()
    partial = connect(v.port)  # a half-sent request keeps the drain waiting
    partial.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
    v.proc.send_signal(signal.SIGTERM)
    v.await_log(r"msg=\"shutting down\"")
    v.proc.send_signal(signal.SIGTERM)
    assert v.wait_exit(timeout=5) == 1
    v.await_log(r"msg=\"second signal, exiting at once\"")
    partial.close()
