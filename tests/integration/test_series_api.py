"""Prometheus's metadata endpoints (/api/v1/labels, /api/v1/label/<name>/values,
/api/v1/series) on pushed data, asked by Debian's promtool and by hand."""

import json
import shutil
import subprocess

import time

import msgpack

CONFIG = "cluster:\n  shards: 2\n  nodes: [{name: local}]\n"
# promtool asks about a window around now.
T0 = int(time.time()) * 1000


def push(v, series):
    body = msgpack.packb(["write", 1, [[labels, [T0], [1.0]] for labels in series]])
    status, _, data = v.post("/api/v1/push", body=body, raw=True,
                             headers={"Content-Type": "application/msgpack"})
    assert status == 200 and msgpack.unpackb(data)[2] == len(series)


def promtool(*args):
    binary = shutil.which("promtool")
    assert binary, "promtool (Debian package prometheus) is required"
    r = subprocess.run([binary, "query", *args], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_promtool_lists_labels_values_and_series(start_vigild):
    v = start_vigild(config=CONFIG)
    push(v, [{"__name__": "up", "job": "api", "instance": f"i{i}"} for i in range(6)]
         + [{"__name__": "temp", "room": "lab"}])
    url = f"http://127.0.0.1:{v.port}"
    assert promtool("labels", url, "__name__").split() == ["temp", "up"]
    assert promtool("labels", url, "instance").split() == [f"i{i}" for i in range(6)]
    series = promtool("series", url, "--match=up{instance=~\"i[12]\"}").splitlines()
    assert series == ['{__name__="up", instance="i1", job="api"}',
                      '{__name__="up", instance="i2", job="api"}'], series


def test_label_and_series_queries_by_hand(start_vigild):
    v = start_vigild(config=CONFIG)
    push(v, [{"__name__": "up", "job": "api"}, {"__name__": "temp", "room": "lab"}])
    status, _, body = v.get("/api/v1/labels")
    assert status == 200 and json.loads(body)["data"] == ["__name__", "job", "room"]
    status, _, body = v.get("/api/v1/labels?match[]=temp")
    assert json.loads(body)["data"] == ["__name__", "room"]
    # Outside the data's time range: nothing.
    status, _, body = v.get("/api/v1/label/__name__/values?start=1600000000&end=1600000100")
    assert status == 200 and json.loads(body)["data"] == []
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(T0 / 1000 - 3600))
    status, _, body = v.get(f"/api/v1/label/__name__/values?start={since}")
    assert json.loads(body)["data"] == ["temp", "up"]
    # POST form, two selectors, union.
    status, _, body = v.post("/api/v1/series", body=b"match[]=up&match[]=temp",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and len(json.loads(body)["data"]) == 2
    # Errors name the parameter, in Prometheus's shape.
    status, _, body = v.get("/api/v1/series")
    assert status == 400 and json.loads(body)["error"] == "no match[] parameter provided"
    status, _, body = v.get("/api/v1/series?match[]=up{job=")
    doc = json.loads(body)
    assert status == 400 and doc["errorType"] == "bad_data"
    assert doc["error"].startswith('invalid parameter "match[]": 1:'), doc
    status, _, body = v.get("/api/v1/labels?start=yesterday")
    assert status == 400
    assert json.loads(body)["error"] == \
        'invalid parameter "start": cannot parse "yesterday" to a valid timestamp'
