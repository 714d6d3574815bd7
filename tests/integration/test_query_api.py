"""PromQL over HTTP (/api/v1/query, /api/v1/query_range) on pushed data,
asked by Debian's promtool and by hand, answers in Prometheus's shape."""

import json
import shutil
import subprocess
import time
import urllib.parse

import msgpack

CONFIG = "cluster:\n  shards: 2\n  nodes: [{name: local}]\n"
NOW = int(time.time())
T0 = (NOW - 600) * 1000  # ten minutes of data, every 15 s, up to now


def push_counters(v):
    series = []
    for job, per_step in (("api", 1.0), ("db", 3.0)):
        for i in range(3):
            ts = [T0 + k * 15000 for k in range(41)]
            series.append([{"__name__": "requests_total", "job": job, "instance": f"i{i}"},
                           ts, [per_step * k for k in range(41)]])
    body = msgpack.packb(["write", 1, series])
    status, _, data = v.post("/api/v1/push", body=body, raw=True,
                             headers={"Content-Type": "application/msgpack"})
    assert status == 200 and msgpack.unpackb(data)[2] == 6 * 41


def test_instant_and_range_queries(start_vigild):
    v = start_vigild(config=CONFIG)
    push_counters(v)
    at = (T0 + 40 * 15000) / 1000
    status, _, body = v.get(f"/api/v1/query?query=sum+by+(job)(rate(requests_total[5m]))&time={at}")
    assert status == 200, body
    doc = json.loads(body)
    assert doc["status"] == "success" and doc["data"]["resultType"] == "vector"
    got = {r["metric"]["job"]: float(r["value"][1]) for r in doc["data"]["result"]}
    assert abs(got["api"] - 3 / 15) < 1e-9 and abs(got["db"] - 9 / 15) < 1e-9, got
    assert doc["data"]["result"][0]["value"][0] == at

    start, end = (T0 + 20 * 15000) / 1000, at
    status, _, body = v.post("/api/v1/query_range",
                             body=f"query=requests_total{{job=\"db\",instance=\"i0\"}}"
                                  f"&start={start}&end={end}&step=60".encode(),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    doc = json.loads(body)
    assert status == 200 and doc["data"]["resultType"] == "matrix", body
    [series] = doc["data"]["result"]
    assert series["metric"]["__name__"] == "requests_total"
    assert [p[1] for p in series["values"]] == ["60", "72", "84", "96", "108", "120"]

    status, _, body = v.get("/api/v1/query?query=1%2B")
    doc = json.loads(body)
    assert status == 400 and doc["errorType"] == "bad_data"
    assert doc["error"].startswith('invalid parameter "query": 1:3: parse error'), doc
    status, _, body = v.get("/api/v1/query_range?query=up&start=1&end=2")
    assert status == 400 and "step" in json.loads(body)["error"]


def test_promtool_queries_vigil(start_vigild):
    promtool = shutil.which("promtool")
    assert promtool, "promtool (Debian package prometheus) is required"
    v = start_vigild(config=CONFIG)
    push_counters(v)
    url = f"http://127.0.0.1:{v.port}"
    r = subprocess.run([promtool, "query", "instant", url, "count(requests_total)",
                        f"--time={(T0 + 40 * 15000) / 1000}"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "{} => 6 @[%d]" % ((T0 + 40 * 15000) // 1000), r.stdout
    r = subprocess.run([promtool, "query", "range", url, 'requests_total{job="api",instance="i1"}',
                        f"--start={(T0 + 38 * 15000) / 1000}", f"--end={(T0 + 40 * 15000) / 1000}",
                        "--step=15s"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("\n") >= 3 and "40 @[" in r.stdout, r.stdout


def test_buildinfo_has_prometheus_fields(start_vigild):
    v = start_vigild()
    status, _, body = v.get("/api/v1/status/buildinfo")
    data = json.loads(body)["data"]
    assert status == 200 and data["version"] and data["revision"]
    assert set(data) >= {"version", "revision", "branch", "buildUser", "buildDate", "goVersion"}


def test_format_query_prints_as_prometheus_does(start_vigild):
    v = start_vigild()
    status, _, body = v.get("/api/v1/format_query?query=sum+by(job)(rate(x%7Ba%3D%22b%22%7D%5B5m%5D+offset+1m))")
    assert status == 200, body
    assert json.loads(body)["data"] == 'sum by (job) (rate(x{a="b"}[5m] offset 1m))'
    status, _, body = v.get("/api/v1/format_query?query=sum(")
    assert status == 400 and json.loads(body)["errorType"] == "bad_data"


def test_parse_query_returns_prometheus_tree_shape(start_vigild):
    v = start_vigild(config=CONFIG)
    status, _, body = v.post("/api/v1/parse_query", body=b"query=topk(3, -max_over_time(x[5m:1m] @ end())) > 0.5",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200, body
    tree = json.loads(body)["data"]
    assert tree["type"] == "binaryExpr" and tree["op"] == ">" and tree["matching"] is None
    assert tree["rhs"] == {"type": "numberLiteral", "val": "0.5"}
    agg = tree["lhs"]
    assert agg["type"] == "aggregation" and agg["op"] == "topk" and agg["grouping"] == []
    assert agg["param"] == {"type": "numberLiteral", "val": "3"}
    assert agg["expr"]["type"] == "unaryExpr" and agg["expr"]["op"] == "-"
    call = agg["expr"]["expr"]
    assert call["type"] == "call" and call["func"] == {
        "name": "max_over_time", "argTypes": ["matrix"], "variadic": 0, "returnType": "vector"}
    [sub] = call["args"]
    assert sub["type"] == "subquery" and sub["range"] == 300000 and sub["step"] == 60000
    assert sub["startOrEnd"] == "end" and sub["timestamp"] is None
    assert sub["expr"]["type"] == "vectorSelector" and sub["expr"]["matchers"] == [
        {"name": "__name__", "type": "=", "value": "x"}]
    status, _, body = v.get("/api/v1/parse_query?query=x%7B")
    assert status == 400 and json.loads(body)["errorType"] == "bad_data"


def test_query_limits_answer_as_prometheus_does(start_vigild):
    v = start_vigild(config=CONFIG + "query:\n  max_samples: 100\n  timeout: 30s\n")
    push_counters(v)  # 6 series x 41 samples
    at = (T0 + 40 * 15000) / 1000
    status, _, body = v.get(f"/api/v1/query?query=requests_total%7Bjob%3D%22api%22%7D&time={at}")
    assert status == 200, body  # 3 x 41 samples read
    status, _, body = v.get(f"/api/v1/query?query=sum(requests_total)&time={at}")
    doc = json.loads(body)
    assert status == 422 and doc["errorType"] == "execution", body
    assert doc["error"] == "query processing would load too many samples into memory in query execution"
    # A request's timeout shortens the configured one: a million steps
    # cannot be evaluated in a millisecond.
    status, _, body = v.get(f"/api/v1/query_range?query=vector(1)&start=0&end=1000000&step=1"
                            f"&timeout=0.001")
    doc = json.loads(body)
    assert status == 503 and doc["errorType"] == "timeout", body
    assert doc["error"] == "query timed out in expression evaluation"


def test_queries_answer_with_warnings_and_infos(start_vigild):
    v = start_vigild(config=CONFIG)
    push_counters(v)
    ts = [T0 + k * 15000 for k in range(41)]
    series = [[{"__name__": "temperature", "room": "a"}, ts, [20.0] * 41]]
    # Twelve buckets whose `le` is not a number: one warning each.
    series += [[{"__name__": "latency_bucket", "le": f"x{i:02}"}, ts, [1.0] * 41] for i in range(12)]
    body = msgpack.packb(["write", 1, series])
    status, _, _ = v.post("/api/v1/push", body=body, raw=True,
                          headers={"Content-Type": "application/msgpack"})
    assert status == 200
    at = (T0 + 40 * 15000) / 1000

    def query(path, q, extra):
        status, _, body = v.get(f"{path}?query={urllib.parse.quote(q)}{extra}")
        assert status == 200, body
        return json.loads(body)

    for path, extra in (("/api/v1/query", f"&time={at}"),
                        ("/api/v1/query_range", f"&start={at - 60}&end={at}&step=15")):
        doc = query(path, "rate(temperature[5m])", extra)
        assert doc["infos"] == ['PromQL info: metric might not be a counter, name does not end '
                                'in _total/_sum/_count/_bucket: "temperature"'], doc
        assert "warnings" not in doc
        doc = query(path, "quantile(1.5, requests_total)", extra)
        assert doc["warnings"] == ["PromQL warning: quantile value should be between 0 and 1, "
                                   "got 1.5"], doc
        assert "infos" not in doc
        doc = query(path, "sum(rate(requests_total[5m]))", extra)
        assert "warnings" not in doc and "infos" not in doc, doc
    # As Prometheus: ten of a kind, then how many more there were.
    doc = query("/api/v1/query", "histogram_quantile(0.5, latency_bucket)", f"&time={at}")
    assert len(doc["warnings"]) == 11, doc
    assert doc["warnings"][0] == ('PromQL warning: bucket label "le" is missing or has a '
                                  'malformed value of "x00" for metric name "latency_bucket"')
    assert doc["warnings"][-1] == "2 more warning annotations omitted"


def test_experimental_functions_need_the_feature_enabled(start_vigild):
    at = (T0 + 40 * 15000) / 1000
    q = urllib.parse.quote("limitk(2, requests_total)")
    v = start_vigild(config=CONFIG)
    push_counters(v)
    status, _, body = v.get(f"/api/v1/query?query={q}&time={at}")
    doc = json.loads(body)
    assert status == 400 and doc["errorType"] == "bad_data", body
    assert "experimental" in doc["error"], body
    v.stop()
    v = start_vigild(config=CONFIG + "query:\n  enable_features: [promql-experimental-functions]\n")
    push_counters(v)
    status, _, body = v.get(f"/api/v1/query?query={q}&time={at}")
    assert status == 200, body
    assert len(json.loads(body)["data"]["result"]) == 2
    status, _, body = v.get(f"/api/v1/format_query?query={q}")
    assert status == 200 and json.loads(body)["data"] == "limitk(2, requests_total)", body


def test_range_query_cache_stays_correct_while_data_arrives(start_vigild):
    v = start_vigild(config=CONFIG + "query: {cache_freshness: 4m}\n")
    now = int(time.time())
    step = 15
    first = now - 3600

    def push(seq, series):
        body = msgpack.packb(["write", seq, series])
        status, _, data = v.post("/api/v1/push", body=body, raw=True,
                                 headers={"Content-Type": "application/msgpack"})
        assert status == 200, data
        ack = msgpack.unpackb(data)
        assert ack[3] == [], ack

    def gauges(job, start, stop):
        ts = list(range(start, stop + 1, step))
        return [[{"__name__": "temperature", "job": job, "instance": f"i{i}"},
                 [t * 1000 for t in ts], [float((t // step) % 17 + i) for t in ts]]
                for i in range(3)]

    def ask(nocache=False):
        query = urllib.parse.urlencode({"query": "sum by (job) (temperature)",
                                        "start": first, "end": now, "step": step,
                                        **({"nocache": 1} if nocache else {})})
        status, _, body = v.get(f"/api/v1/query_range?{query}")
        assert status == 200, body
        return {r["metric"]["job"]: r["values"] for r in json.loads(body)["data"]["result"]}

    def requests(result):
        _, _, text = v.get("/metrics")
        line = f'vigil_query_cache_requests_total{{result="{result}"}} '
        return sum(float(l[len(line):]) for l in text.splitlines() if l.startswith(line))

    # A sender three minutes behind the clock, then catching up.
    push(1, gauges("api", first - 600, now - 180))
    cached = ask()
    assert cached == ask(nocache=True)
    assert ask() == cached
    assert requests("miss") == 1 and requests("partial") == 1

    push(2, gauges("api", now - 165, now))
    fresh = ask()
    assert fresh == ask(nocache=True)
    assert fresh["api"][-1][0] == now and fresh != cached  # the newest steps were evaluated

    # Backfill into the cached window: entries it touches are dropped.
    push(3, gauges("batch", first, now - 1800))
    _, _, text = v.get("/metrics")
    assert "vigil_query_cache_invalidations_total 1" in text, text
    backfilled = ask()
    assert "batch" in backfilled and backfilled == ask(nocache=True)

    status, _, body = v.get("/api/v1/query_range?query=up&start=1&end=2&step=1&nocache=yes")
    doc = json.loads(body)
    assert status == 400 and doc["error"] == \
        'invalid parameter "nocache": expected 0, 1, false or true, got "yes"', doc
