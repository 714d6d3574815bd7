"""Hostile HTTP input: each bad client gets an error status or a closed
connection, and the server keeps answering everyone else meanwhile."""

import socket
import time

from conftest import connect

LIMITS = (
    "http:\n"
    "  read_timeout: 1s\n"
    "  max_body_bytes: 4096\n"
    "  max_header_bytes: 8192\n"
)


def read_response_or_close(s, timeout=10.0):
    """Reads until the peer closes or a full status line + headers arrived."""
    s.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, BrokenPipeError):
        pass
    return data


def status_of(data):
    return int(data.split(b" ")[1]) if data.startswith(b"HTTP/1.") else None


def assert_still_serving(v):
    status, _, _ = v.get("/-/healthy", timeout=5)
    assert status == 200


def test_garbage_bytes_get_400(start_vigild):
    v = start_vigild(config=LIMITS)
    s = connect(v.port)
    s.sendall(b"\x00\x01\x02 not http at all\r\n\r\n")
    data = read_response_or_close(s)
    assert data == b"" or status_of(data) == 400
    if data:
        assert b'"status":"error"' in data or b"error" in data
    assert_still_serving(v)


def test_ten_megabyte_header_is_refused(start_vigild):
    v = start_vigild(config=LIMITS)
    s = connect(v.port)
    s.sendall(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\nX-Big: ")
    sent = 0
    chunk = b"a" * 65536
    try:
        while sent < 10 * 1024 * 1024:
            s.sendall(chunk)
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server closed on us: an acceptable answer
    data = read_response_or_close(s)
    assert data == b"" or status_of(data) == 431, data[:200]
    assert_still_serving(v)


def test_body_over_the_limit_gets_413(start_vigild):
    v = start_vigild(config=LIMITS)
    status, _, body = v.post("/-/healthy", body=b"x" * 10000)
    assert status == 413, body
    assert '"status":"error"' in body
    assert_still_serving(v)


def test_stalled_client_times_out_while_others_are_served(start_vigild):
    v = start_vigild(config=LIMITS)
    stalled = connect(v.port)
    stalled.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Partial: ")
    t0 = time.monotonic()
    for _ in range(5):
        assert_still_serving(v)
    data = read_response_or_close(stalled, timeout=10)
    elapsed = time.monotonic() - t0
    assert data == b"" or status_of(data) == 408, data[:200]
    assert elapsed < 10


def test_many_bad_clients_at_once_do_not_stop_service(start_vigild):
    v = start_vigild(config=LIMITS)
    socks = []
    for i in range(50):
        s = connect(v.port)
        s.sendall(b"GET / HTTP/1.1\r\n" if i % 2 else b"\xff\xfe garbage\r\n\r\n")
        socks.append(s)
    assert_still_serving(v)
    for s in socks:
        s.close()
    assert_still_serving(v)
