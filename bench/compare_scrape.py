#!/usr/bin/python3
"""Scrape ingest side by side in one run: vigild, Prometheus 2.42 and
VictoriaMetrics 1.79 scrape the same T targets x S series (build/bench/
scrape_targets, one port per target, all on 127.0.0.1) at the same interval.

For each number of targets in --targets, each system still in the race runs
in turn from an empty data directory under /tmp: after every target has been
scraped once and --warmup seconds more, it is measured for --window seconds
(by default 120 intervals: one 120-sample chunk per series is cut in the
window, as in a steady state, for vigild and Prometheus alike). Reported:

  samples/s  S x scrapes performed / window (the target server's counts)
  missed     scrapes that did not happen: a gap of g between two scrapes of
             a target counts floor(g / interval - 0.5), so a scrape late by
             half an interval is a miss; "performed/expected" as a ratio too
  stored/s   what the system says it appended (includes its report series)
  cores, us/sample   CPU of the system's process (utime + stime)
  server     the target server's cores
  others     the cores everything else used meanwhile (noise: another build)

A system that misses scrapes (or stores under 99 % of what it scraped) at
one level is not run at higher ones; its last clean level is its sustained
maximum. Every process started here is stopped at the end, on error too.

  bench/compare_scrape.py --vigild build/runtime/vigild \\
      --targets-bin build/bench/scrape_targets --series 2000 --interval 1 \\
      --targets 100,200,300 [--systems vigil,prometheus,victoria-metrics]
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from proc_util import free_port, http, procs, rss_bytes

CLK_TCK = os.sysconf("SC_CLK_TCK")
SYSTEMS = ("prometheus", "victoria-metrics", "vigil")
# What each system calls the samples it appended.
STORED = {"prometheus": "prometheus_tsdb_head_samples_appended_total",
          "victoria-metrics": 'vm_rows_inserted_total{type="promscrape"}',
          "vigil": "vigil_shard_samples_appended_total"}


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def machine_busy_seconds():
    """CPU seconds all processes used (everything but idle and iowait)."""
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    return (sum(cpu[:8]) - cpu[3] - cpu[4]) / CLK_TCK


def stored_total(system, port):
    """The system's own count of appended samples, summed over label sets."""
    name = STORED[system]
    total = 0.0
    for line in http(f"http://127.0.0.1:{port}/metrics", timeout=30).splitlines():
        if line.startswith(name) and line[len(name)] in " {":
            total += float(line.rsplit(" ", 1)[1])
    return total


def scrape_section(ports, interval):
    targets = ", ".join(f'"127.0.0.1:{p}"' for p in ports)
    ms = round(interval * 1000)
    every = f"{ms // 1000}s" if ms % 1000 == 0 else f"{ms}ms"  # Prometheus has no "1.5s"
    return (f"global: {{scrape_interval: {every}, scrape_timeout: {every}}}\n"
            f"scrape_configs:\n  - job_name: targets\n"
            f"    static_configs: [{{targets: [{targets}]}}]\n")


def start_system(system, a, ps, ports, work, log):
    port = free_port()
    data = f"{work}/data"
    scrape = scrape_section(ports, a.interval)
    if system == "vigil":
        with open(f"{work}/vigil.yaml", "w") as f:
            f.write(f"cluster:\n  shards: {a.shards}\n  nodes: [{{name: local}}]\n" + scrape)
        args = [a.vigild, "--config", f"{work}/vigil.yaml", "--data", data,
                "--http", f"127.0.0.1:{port}", "--ingest", f"127.0.0.1:{free_port()}",
                "--actor", f"127.0.0.1:{free_port()}", "--log-level", "warn"]
    else:
        with open(f"{work}/scrape.yml", "w") as f:
            f.write(scrape)
        if system == "prometheus":
            args = [shutil.which("prometheus"), f"--config.file={work}/scrape.yml",
                    f"--storage.tsdb.path={data}", f"--web.listen-address=127.0.0.1:{port}"]
        else:
            args = [shutil.which("victoria-metrics"), f"-httpListenAddr=127.0.0.1:{port}",
                    f"-storageDataPath={data}", "-retentionPeriod=100y",
                    f"-promscrape.config={work}/scrape.yml"]
    return ps.start(args, log), port


def start_targets(a, ps, targets, log):
    p = ps.start([a.targets_bin, "--targets", str(targets), "--series", str(a.series),
                  "--interval", str(a.interval)], log, stdout=subprocess.PIPE)
    line = p.stdout.readline().split()  # "control PORT targets PORT..."
    if len(line) != targets + 3 or line[0] != b"control":
        raise RuntimeError("scrape_targets did not start")
    return p, int(line[1]), [int(x) for x in line[3:]]


def stats(control):
    return json.loads(http(f"http://127.0.0.1:{control}/stats"))


def run_one(system, targets, a, root):
    work = tempfile.mkdtemp(prefix=f"{system}-{targets}.", dir=root)
    ps = procs()
    log = open(f"{work}/log.txt", "w")
    server_log = open(f"{work}/targets.txt", "w")
    try:
        server, control, ports = start_targets(a, ps, targets, server_log)
        proc, port = start_system(system, a, ps, ports, work, log)
        deadline = time.monotonic() + 60 + 10 * a.interval
        while min(t[0] for t in stats(control)["targets"]) == 0:
            if proc.poll() is not None:
                raise RuntimeError(f"{system} exited with {proc.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{system} did not scrape every target within a minute")
            time.sleep(0.5)
        time.sleep(a.warmup)  # the benchmark's fixed warm-up, not synchronisation
        m0 = machine_busy_seconds()
        s0, c0, k0 = stats(control), cpu_seconds(proc.pid), cpu_seconds(server.pid)
        n0 = stored_total(system, port)
        http(f"http://127.0.0.1:{control}/window", data=b"")
        time.sleep(a.window)  # the measured period
        s1, c1, k1 = stats(control), cpu_seconds(proc.pid), cpu_seconds(server.pid)
        m1 = machine_busy_seconds()
        n1 = stored_total(system, port)
        rss = rss_bytes(proc.pid)
        if proc.poll() is not None:
            raise RuntimeError(f"{system} exited with {proc.returncode}")
    except (RuntimeError, OSError) as e:
        ps.stop_all()
        log.close()
        server_log.close()
        with open(f"{work}/log.txt") as f:
            tail = "".join(f.readlines()[-5:])
        raise RuntimeError(f"{e}; its log ends:\n{tail}") from e
    finally:
        ps.stop_all()
        log.close()
        server_log.close()
    shutil.rmtree(work, ignore_errors=True)
    dt = (s1["now_ms"] - s0["now_ms"]) / 1000
    performed = sum(b[0] - e[0] for b, e in zip(s1["targets"], s0["targets"]))
    samples = performed * a.series
    return {
        "system": system, "targets": targets, "series": a.series, "interval": a.interval,
        "seconds": round(dt, 1), "samples_per_s": samples / dt,
        "performed": performed, "expected": round(targets * dt / a.interval),
        "missed": sum(b[1] - e[1] for b, e in zip(s1["targets"], s0["targets"])),
        "max_gap_s": max(t[3] for t in s1["targets"]) / 1000,
        "stored_per_s": (n1 - n0) / dt,
        "cores": (c1 - c0) / dt, "us_per_sample": (c1 - c0) * 1e6 / max(samples, 1),
        "server_cores": (k1 - k0) / dt, "rss_mb": rss / 1e6,
        # Whatever else ran meanwhile (other builds; this script): noise.
        "other_cores": (m1 - m0 - (c1 - c0) - (k1 - k0)) / dt,
    }


def clean(r, a):
    # Stored includes the report series (5 per scrape; vigil and Prometheus).
    scraped = r["samples_per_s"] * (a.series + 5) / a.series
    return r["missed"] == 0 and r["stored_per_s"] >= 0.99 * scraped


def show(r):
    print(f"{r['system']:16} {r['targets']:5} x {r['series']:5} every {r['interval']:g} s: "
          f"{r['samples_per_s'] / 1e3:7.1f} k samples/s, missed {r['missed']:4} "
          f"({r['performed']}/{r['expected']}), max gap {r['max_gap_s']:.2f} s, "
          f"stored {r['stored_per_s'] / 1e3:7.1f} k/s, {r['cores']:.2f} cores, "
          f"{r['us_per_sample']:.2f} us/sample, server {r['server_cores']:.2f} cores, "
          f"RSS {r['rss_mb']:.0f} MB, others {r['other_cores']:.2f} cores", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vigild", default="build/runtime/vigild")
    ap.add_argument("--targets-bin", default="build/bench/scrape_targets")
    ap.add_argument("--targets", default="100,200,300,400",
                    help="numbers of targets to step through")
    ap.add_argument("--series", type=int, default=2000, help="series per target")
    ap.add_argument("--interval", type=float, default=1.0, help="scrape interval, seconds")
    ap.add_argument("--warmup", type=float, default=30)
    ap.add_argument("--window", type=float, help="default: 120 intervals")
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--shards", type=int, default=2, help="vigild's shards")
    ap.add_argument("--json", help="append each result as a JSON line to this file")
    a = ap.parse_args()
    a.window = a.window or 120 * a.interval
    racing = [s for s in a.systems.split(",") if s]
    for s in racing:
        if s not in SYSTEMS:
            ap.error(f"unknown system {s}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that finally blocks run
    root = tempfile.mkdtemp(prefix="compare-scrape.", dir="/tmp")
    try:
        # Copies, so that a rebuild during the run does not change what is measured.
        for attr in ("vigild", "targets_bin"):
            copy = f"{root}/{os.path.basename(getattr(a, attr))}"
            shutil.copy2(getattr(a, attr), copy)
            setattr(a, attr, copy)
        print(f"load average at start: {os.getloadavg()[0]:.2f}", flush=True)
        for targets in [int(t) for t in a.targets.split(",")]:
            for system in list(racing):
                try:
                    r = run_one(system, targets, a, root)
                except RuntimeError as e:
                    print(f"{system:16} {targets:5} targets: {e}", flush=True)
                    racing.remove(system)
                    continue
                r["load"] = os.getloadavg()[0]
                show(r)
                if a.json:
                    with open(a.json, "a") as f:
                        f.write(json.dumps(r) + "\n")
                if not clean(r, a):
                    racing.remove(system)
            if not racing:
                break
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"load average at end: {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
