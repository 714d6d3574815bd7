"""Fixtures that start real vigild processes on 127.0.0.1.

vigild is started with --http 127.0.0.1:0 and reports the port it bound in
its "listening" log line, so tests never race for free ports. Every wait is
bounded; nothing sleeps to synchronise.
"""

import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

SOURCE_DIR = os.environ.get("VIGIL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


def pytest_addoption(parser):
    parser.addoption("--vigild", action="store", required=True, help="path to the vigild binary")


@pytest.fixture(scope="session")
def vigild_bin(request):
    return os.path.abspath(request.config.getoption("--vigild"))


class Vigild:
    """A running vigild whose stderr is collected line by line."""

    def __init__(self, binary, args, cwd):
        self.proc = subprocess.Popen(
            [binary, *args], cwd=cwd, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = []
        self._drained = False
        self._new = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.port = None

    def _pump(self):
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))
            self._new.put(line)
        self._new.put(None)

    def await_log(self, pattern, timeout=10.0, count=1):
        """Waits until `count` log lines match `pattern`; returns the last of them."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            hits = [line for line in list(self.lines) if rx.search(line)]
            if len(hits) >= count:
                return hits[count - 1]
            if self.proc.poll() is not None and self._drained:
                raise AssertionError(f"vigild exited before logging {pattern!r} x{count}:\n" + self.log())
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"not {count} log lines matching {pattern!r} within {timeout}s:\n"
                                     + self.log())
            try:
                if self._new.get(timeout=left) is None:
                    self._drained = True
            except queue.Empty:
                pass

    def log(self):
        return "\n".join(self.lines)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path, **kw):
        return http_request("GET", self.url(path), **kw)

    def post(self, path, **kw):
        return http_request("POST", self.url(path), **kw)

    def wait_exit(self, timeout):
        return self.proc.wait(timeout=timeout)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def http_request(method, url, body=None, headers=None, timeout=10, raw=False):
    """Returns (status, headers, body) without raising on HTTP errors; the
    body as text, or as bytes with raw=True."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, got, data = resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        status, got, data = e.code, dict(e.headers), e.read()
    return status, got, data if raw else data.decode()


@pytest.fixture
def start_vigild(vigild_bin, tmp_path):
    """start_vigild(*extra_args, config=None) -> Vigild, listening and (by default) ready."""
    started = []

    def start(*extra, config=None, wait_ready=True, data_dir=None):
        data = data_dir or tmp_path / f"data{len(started)}"
        args = ["--http", "127.0.0.1:0", "--ingest", "127.0.0.1:0", "--actor", "127.0.0.1:0",
                "--data", str(data)]
        if config is not None:
            path = tmp_path / f"vigil{len(started)}.yaml"
            path.write_text(config)
            args += ["--config", str(path)]
        v = Vigild(vigild_bin, [*args, *extra], cwd=tmp_path)
        started.append(v)
        line = v.await_log(r"component=node msg=listening")
        v.port = int(re.search(r"http=127\.0\.0\.1:(\d+)", line).group(1))
        if wait_ready:
            v.await_log(r"component=node msg=ready")
        return v

    yield start
    for v in started:
        v.stop()


def connect(port, timeout=5.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.settimeout(timeout)
    return s
