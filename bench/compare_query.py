#!/usr/bin/python3
"""Query latency side by side in one run: vigild, Prometheus 2.42 and
VictoriaMetrics 1.79 hold the same gen_dataset.py data and answer the same
queries through the Prometheus HTTP API, one system at a time.

Data: --dataset (the default 24 h dataset: 10 k counters x, 1.1 k histogram
buckets h_bucket, ...) for the first four queries, --wide (100 k counters x
over an hour: gen_dataset.py --jobs 100 --hours 1) for the regex selector.
Loading: vigil through its shard engines' write path with maintenance run
(build/bench/store_bytes --serve: minute and hour rollups built, as a vigild
holds data older than three hours), and again with the rollups deleted
("vigil raw": what the peers hold); Prometheus by promtool backfill;
VictoriaMetrics by /api/v1/import, flushed and merged.

Each query runs --warmup times, then --runs times, one request at a time
from this script (a fresh HTTP connection each); reported are the median and
the 99th percentile of the wall time to the whole response. Caches are off:
vigil gets nocache=1, VictoriaMetrics -search.disableCache; Prometheus has
none. vigil is then asked again without nocache after one priming request
("vigil cached": the range-query cache answering a repeated dashboard query).
Each answer is summarised (series, points, sum of values) so the systems can
be seen to agree; vigil's rollups answer rate() with the counter's actual
increase rather than Prometheus's extrapolation (docs/promql.md, Rollups).

  bench/compare_query.py --vigild build/runtime/vigild \\
      --store-bytes build/bench/store_bytes --dataset /tmp/ds24 --wide /tmp/ds100k
"""
import argparse
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

from proc_util import free_port, http, procs

SYSTEMS = ("prometheus", "victoria-metrics", "vigil", "vigil-raw")


def queries(meta, wide):
    """(name, path, params) of the benchmark's queries, times from the data."""
    end, start = meta["end"], meta["start"]
    out = [
        ("one series, 24 h raw", "/api/v1/query",
         {"query": 'x{job="job3",instance="host7:9100"}[24h]', "time": end}),
        ("rate, 1 k series, 1 h, step 15 s", "/api/v1/query_range",
         {"query": 'rate(x{job="job1"}[5m])', "start": end - 3600, "end": end, "step": 15}),
        ("sum by job of rate, 10 k series, 24 h, step 60 s", "/api/v1/query_range",
         {"query": "sum by (job) (rate(x[5m]))", "start": start, "end": end, "step": 60}),
        ("histogram_quantile, 6 h, step 15 s", "/api/v1/query_range",
         {"query": "histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))",
          "start": end - 6 * 3600, "end": end, "step": 15}),
    ]
    if wide:
        out.append(("regex selector over 100 k series", "/api/v1/query",
                    {"query": 'count(x{instance=~"host[0-9]*7:9100"})', "time": wide["end"]}))
    return out


def summary(doc):
    """Series, points and the sum of the finite values of an answer."""
    result = doc["data"]["result"]
    points = [p for r in result for p in (r.get("values") or [r["value"]])]
    total = sum(v for v in (float(p[1]) for p in points) if math.isfinite(v))
    return {"series": len(result), "points": len(points), "sum": total}


def ask(port, path, params):
    url = f"http://127.0.0.1:{port}{path}?{urllib.parse.urlencode(params)}"
    t0 = time.perf_counter()
    body = http(url, timeout=300)
    elapsed = time.perf_counter() - t0
    doc = json.loads(body)
    if doc.get("status") != "success":
        raise RuntimeError(f"{url}: {body[:300]}")
    return elapsed, doc


def wait_until(check, what, seconds):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} within {seconds} s")
        time.sleep(0.2)


def series_count(port, at):
    _, doc = ask(port, "/api/v1/query", {"query": "count(x)", "time": at})
    result = doc["data"]["result"]
    return int(float(result[0]["value"][1])) if result else 0


def load_and_start(system, a, dataset, meta, ps, work, log):
    """Loads `dataset` into a fresh store of `system`, starts it; its port."""
    port = free_port()
    data = f"{work}/data"
    if system.startswith("vigil"):
        load = [a.store_bytes, dataset, data] + ([] if system == "vigil-raw" else ["--serve"])
        subprocess.run(load, check=True, stdout=log, stderr=log)
        with open(f"{work}/vigil.yaml", "w") as f:
            # No sample limit: the raw variant reads 58 M samples for the
            # 24 h sum, which vigil counts where Prometheus counts the peak.
            f.write("cluster:\n  shards: 2\n  nodes: [{name: local}]\nquery: {max_samples: 0}\n")
        ps.start([a.vigild, "--config", f"{work}/vigil.yaml", "--data", data,
                  "--http", f"127.0.0.1:{port}", "--ingest", f"127.0.0.1:{free_port()}",
                  "--actor", f"127.0.0.1:{free_port()}", "--log-level", "warn"], log)
    elif system == "prometheus":
        subprocess.run([shutil.which("promtool"), "tsdb", "create-blocks-from", "openmetrics",
                        "--max-block-duration=24h", f"{dataset}/data.om", data],
                       check=True, stdout=log, stderr=log)
        with open(f"{work}/prometheus.yml", "w") as f:
            f.write("scrape_configs: []\n")
        ps.start([shutil.which("prometheus"), f"--config.file={work}/prometheus.yml",
                  f"--storage.tsdb.path={data}", "--storage.tsdb.retention.time=100y",
                  f"--web.listen-address=127.0.0.1:{port}", "--query.lookback-delta=5m"], log)
    else:
        ps.start([shutil.which("victoria-metrics"), f"-httpListenAddr=127.0.0.1:{port}",
                  f"-storageDataPath={data}", "-retentionPeriod=100y", "-search.disableCache"],
                 log)
        wait_until(lambda: http(f"http://127.0.0.1:{port}/health"), "VictoriaMetrics not up", 30)
        subprocess.run(["curl", "-sf", "-X", "POST", "-T", f"{dataset}/data.vm.jsonl",
                        f"http://127.0.0.1:{port}/api/v1/import"], check=True, timeout=1800)
        http(f"http://127.0.0.1:{port}/internal/force_flush")
        month = time.strftime("%Y_%m", time.gmtime(meta["start"]))
        http(f"http://127.0.0.1:{port}/internal/force_merge?partition_prefix={month}")

        def merged():
            text = http(f"http://127.0.0.1:{port}/metrics")
            return sum(float(line.split()[-1]) for line in text.splitlines()
                       if line.startswith("vm_active_merges")) == 0
        wait_until(merged, "VictoriaMetrics merges not done", 600)
    want = meta["x_series"]
    wait_until(lambda: series_count(port, meta["end"]) == want,
               f"{system} does not show the {want} series of x", 300)
    return port


def measure(port, qs, a, extra=None):
    out = []
    for name, path, params in qs:
        params = {**params, **(extra or {})}
        for _ in range(a.warmup):
            ask(port, path, params)
        times = []
        for _ in range(a.runs):
            elapsed, doc = ask(port, path, params)
            times.append(elapsed)
        times.sort()
        p99 = times[min(len(times) - 1, math.ceil(0.99 * len(times)) - 1)]
        out.append({"query": name, "median_ms": statistics.median(times) * 1000,
                    "p99_ms": p99 * 1000, "answer": summary(doc)})
    return out


def run_system(system, a, datasets, root):
    results = []
    for dataset, meta, qs in datasets:
        work = tempfile.mkdtemp(prefix=f"{system}.", dir=root)
        ps = procs()
        with open(f"{work}/log.txt", "w") as log:
            try:
                t0 = time.monotonic()
                port = load_and_start(system, a, dataset, meta, ps, work, log)
                print(f"  {system}: {os.path.basename(dataset)} loaded and serving after "
                      f"{time.monotonic() - t0:.0f} s", file=sys.stderr)
                nocache = {"nocache": 1} if system.startswith("vigil") else None
                rounds = [(system, nocache)] + ([("vigil cached", None)] if system == "vigil" else [])
                for label, extra in rounds:
                    for r in measure(port, qs, a, extra):
                        results.append({"system": label, **r})
                        print(f"  {label}: {r}", file=sys.stderr)
            finally:
                ps.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    return results


def x_series(dataset):
    """The number of series of x in the dataset."""
    return sum(1 for line in open(f"{dataset}/data.vm.jsonl")
               if line.startswith('{"metric":{"__name__":"x"'))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vigild", required=True)
    ap.add_argument("--store-bytes", required=True)
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--wide")
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--json", help="write the results here too")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that finally blocks run

    def described(path):
        meta = json.load(open(f"{path}/meta.json"))
        meta["x_series"] = x_series(path)
        return meta
    meta = described(a.dataset)
    wide = described(a.wide) if a.wide else None
    qs = queries(meta, wide)
    datasets = [(a.dataset, meta, qs[:4])]
    if wide:
        datasets.append((a.wide, wide, qs[4:]))
    root = tempfile.mkdtemp(prefix="compare-query.", dir="/tmp")
    results = []
    try:
        for system in a.systems.split(","):
            results += run_system(system, a, datasets, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"{'query':<50} {'system':<17} {'median ms':>10} {'p99 ms':>10}  answer")
    for name, _, _ in qs:
        for r in (r for r in results if r["query"] == name):
            s = r["answer"]
            print(f"{name:<50} {r['system']:<17} {r['median_ms']:>10.1f} {r['p99_ms']:>10.1f}  "
                  f"{s['series']} series, {s['points']} points, sum {s['sum']:.6g}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
