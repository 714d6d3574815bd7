"""Helpers the side-by-side benchmark scripts share: a free loopback port,
a process's resident memory, a small HTTP GET/POST and the processes a run
starts."""

import ctypes
import signal
import socket
import subprocess
import urllib.request


def free_port():
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def http(url, data=None, timeout=10):
    with urllib.request.urlopen(url, data=data, timeout=timeout) as r:
        return r.read().decode()


def die_with_parent():
    # Children get SIGTERM if this script dies without cleaning up (kill -9).
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class procs:
    """Processes started here; stop() ends them all, politely first."""

    def __init__(self):
        self.running = []

    def start(self, args, log, stdout=None):
        p = subprocess.Popen(args, stdout=stdout or log, stderr=log, preexec_fn=die_with_parent)
        self.running.append(p)
        return p

    def stop(self, p):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p in self.running:
            self.running.remove(p)

    def stop_all(self):
        for p in reversed(list(self.running)):
            self.stop(p)
