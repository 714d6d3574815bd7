#!/usr/bin/python3
"""Resident memory per active series, side by side in one run: vigild,
Prometheus 2.42 and VictoriaMetrics 1.79 ingest the same SERIES series.
Prometheus and VictoriaMetrics scrape one target serving them every second;
Prometheus remote-writes what it scrapes to vigild (vigild does not scrape
yet). After WAIT seconds each process's VmRSS is divided by the series it
reports in /api/v1/status/tsdb. Everything listens on 127.0.0.1.

  bench/compare_memory.py VIGILD [--series N] [--wait S]
"""
import argparse
import http.server
import json
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request

from proc_util import free_port, rss_bytes


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


def serve(series):
    # node_exporter-like names and labels; values change every scrape.
    lines = [f'node_cpu_seconds_total{{cpu="{i % 64}",mode="m{i // 64 % 8}",'
             f'instance="host-{i // 512}"}} ' for i in range(series)]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            n = int(time.time())
            body = "".join(f"{line}{(n + i) % 1000}\n" for i, line in enumerate(lines)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vigild")
    ap.add_argument("--series", type=int, default=200_000)
    ap.add_argument("--wait", type=int, default=90)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="compare-memory.")
    target = serve(a.series)
    procs = {}
    try:
        vigil_port = free_port()
        (open(f"{work}/vigil.yaml", "w")).write(
            "cluster:\n  shards: 2\n  nodes: [{name: local}]\n")
        procs["vigil"] = (subprocess.Popen(
            [a.vigild, "--config", f"{work}/vigil.yaml", "--data", f"{work}/vigil",
             "--http", f"127.0.0.1:{vigil_port}", "--ingest", "127.0.0.1:0",
             "--actor", "127.0.0.1:0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
            vigil_port)
        prom_port = free_port()
        open(f"{work}/prometheus.yml", "w").write(f"""
global: {{scrape_interval: 1s, scrape_timeout: 1s}}
scrape_configs:
  - job_name: target
    static_configs: [{{targets: ["127.0.0.1:{target}"]}}]
remote_write:
  - url: http://127.0.0.1:{vigil_port}/api/v1/write
""")
        procs["prometheus"] = (subprocess.Popen(
            [shutil.which("prometheus"), f"--config.file={work}/prometheus.yml",
             f"--storage.tsdb.path={work}/prom", f"--web.listen-address=127.0.0.1:{prom_port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), prom_port)
        vm_port = free_port()
        open(f"{work}/vm-scrape.yml", "w").write(f"""
scrape_configs:
  - job_name: target
    scrape_interval: 1s
    static_configs: [{{targets: ["127.0.0.1:{target}"]}}]
""")
        procs["victoria-metrics"] = (subprocess.Popen(
            [shutil.which("victoria-metrics"), f"-httpListenAddr=127.0.0.1:{vm_port}",
             f"-storageDataPath={work}/vm", "-retentionPeriod=100y",
             f"-promscrape.config={work}/vm-scrape.yml"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), vm_port)
        time.sleep(a.wait)  # a benchmark's fixed ingest period, not synchronisation
        print(f"{a.series} series scraped every 1 s for {a.wait} s (vigil via Prometheus's remote write)")
        for name, (proc, port) in procs.items():
            if proc.poll() is not None:
                print(f"{name:17} exited with {proc.returncode}")
                continue
            status = get_json(f"http://127.0.0.1:{port}/api/v1/status/tsdb")
            data = status["data"]  # VictoriaMetrics answers in its own shape
            series = data["headStats"]["numSeries"] if "headStats" in data else data["totalSeries"]
            rss = rss_bytes(proc.pid)
            print(f"{name:17} RSS {rss / 1e6:8.1f} MB  series {series:8}  "
                  f"{rss / max(series, 1):7.0f} bytes/series")
    finally:
        for proc, _ in procs.values():
            proc.terminate()
        for proc, _ in procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
