"""Scraping: vigild pulls real HTTP targets (a Python server on 127.0.0.1)
found in static_configs and file_sd files, marks vanished series stale,
reports targets in Prometheus's /api/v1/targets shape, and applies config
reloads (SIGHUP, POST /-/reload) without restarting unaffected scrapers.
Waits poll the API with bounded deadlines."""

import base64
import gzip
import http.server
import json
import signal
import threading
import time
import urllib.parse

import pytest


class Targets:
    """An HTTP server whose paths serve bodies the test sets; records the
    headers of every request."""

    def __init__(self):
        self.bodies = {}  # path -> (content type, text)
        self.requests = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                path = urllib.parse.urlsplit(self.path).path
                with outer.lock:
                    outer.requests.append((self.path, dict(self.headers)))
                    entry = outer.bodies.get(path)
                if entry is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                content_type, text = entry
                data = text.encode()
                gzipped = "gzip" in self.headers.get("Accept-Encoding", "")
                if gzipped:
                    data = gzip.compress(data)
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                if gzipped:
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.address = f"127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def serve(self, path, text, content_type="text/plain; version=0.0.4"):
        with self.lock:
            self.bodies[path] = (content_type, text)

    def headers_of(self, path):
        with self.lock:
            return [h for p, h in self.requests if p.startswith(path)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def targets():
    t = Targets()
    yield t
    t.close()


def config(scrape_configs):
    return ("cluster:\n  shards: 2\n  nodes: [{name: local}]\n"
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
            "scrape_configs:\n" + scrape_configs)


def query(v, expr):
    status, _, body = v.get("/api/v1/query?query=" + urllib.parse.quote(expr))
    assert status == 200, body
    return {json.dumps(r["metric"], sort_keys=True): float(r["value"][1])
            for r in json.loads(body)["data"]["result"]}


def wait_until(what, check, timeout=20.0):
    """Polls `check()` until it returns a truthy value; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {what} (last: {got!r})")
        time.sleep(0.1)


def metric(**labels):
    return json.dumps(labels, sort_keys=True)


def active_targets(v):
    status, _, body = v.get("/api/v1/targets")
    assert status == 200, body
    return json.loads(body)["data"]["activeTargets"]


def test_scraped_series_carry_target_labels_and_report_series(start_vigild, targets, tmp_path):
    (tmp_path / "token").write_text("s3cret\n")
    targets.serve("/metrics", "# HELP requests_total Requests served.\n"
                              "# TYPE requests_total counter\nrequests_total{code=\"200\"} 7\n"
                              "temperature 21.5\n")
    v = start_vigild(config=config(
        f"  - job_name: app\n"
        f"    authorization: {{credentials_file: token}}\n"
        f"    static_configs: [{{targets: ['{targets.address}'], labels: {{env: prod}}}}]\n"))
    inst = targets.address
    got = wait_until("requests_total scraped", lambda: query(v, "requests_total"))
    assert got == {metric(__name__="requests_total", code="200", env="prod", instance=inst,
                          job="app"): 7.0}
    assert query(v, "up") == {metric(__name__="up", env="prod", instance=inst, job="app"): 1.0}
    assert list(query(v, "scrape_samples_scraped").values()) == [2.0]
    assert list(query(v, "scrape_samples_post_metric_relabeling").values()) == [2.0]
    assert len(query(v, "scrape_duration_seconds")) == 1
    headers = targets.headers_of("/metrics")[0]
    assert headers["Authorization"] == "Bearer s3cret"
    assert headers["Accept"].startswith("application/openmetrics-text;version=1.0.0")
    assert headers["X-Prometheus-Scrape-Timeout-Seconds"] == "1.000000"
    assert "gzip" in headers["Accept-Encoding"]  # so the body above came compressed

    [t] = active_targets(v)
    assert t["health"] == "up" and t["lastError"] == ""
    assert t["scrapePool"] == "app" and t["scrapeUrl"] == f"http://{inst}/metrics"
    assert t["labels"] == {"env": "prod", "instance": inst, "job": "app"}
    assert t["discoveredLabels"]["__address__"] == inst
    assert t["scrapeInterval"] == "1s" and t["lastScrape"] != "0001-01-01T00:00:00Z"
    assert 0 < t["lastScrapeDuration"] < 1

    status, _, body = v.get("/api/v1/metadata?metric=requests_total")
    assert status == 200 and json.loads(body)["data"] == {
        "requests_total": [{"type": "counter", "help": "Requests served.", "unit": ""}]}, body
    status, _, body = v.get("/api/v1/targets/metadata?match_target=" +
                            urllib.parse.quote('{job="app"}'))
    assert status == 200, body
    assert json.loads(body)["data"] == [{"target": {"env": "prod", "instance": inst, "job": "app"},
                                         "metric": "requests_total", "type": "counter",
                                         "help": "Requests served.", "unit": ""}]
    status, _, body = v.get("/api/v1/metadata?limit=x")
    assert status == 400 and "limit" in json.loads(body)["error"]


def test_vanished_series_and_failed_scrapes_go_stale(start_vigild, targets):
    targets.serve("/metrics", "kept 1\ngone 2\n")
    v = start_vigild(config=config(
        f"  - job_name: app\n    static_configs: [{{targets: ['{targets.address}']}}]\n"))
    wait_until("gone scraped", lambda: query(v, "gone"))
    targets.serve("/metrics", "kept 1\n")
    # Well within the 5 m lookback: only a stale marker makes it vanish.
    wait_until("gone marked stale", lambda: not query(v, "gone"))
    assert query(v, "kept")

    targets.serve("/metrics", "kept 1\nbroken{ 3\n")
    wait_until("up 0 after a bad body", lambda: 0.0 in query(v, "up").values())
    wait_until("kept marked stale", lambda: not query(v, "kept"))
    [t] = active_targets(v)
    assert t["health"] == "down"
    assert "line 2" in t["lastError"], t["lastError"]


def test_sample_limit_and_metric_relabelling(start_vigild, targets):
    targets.serve("/metrics", "a 1\nb 2\ngo_threads 9\n")
    v = start_vigild(config=config(
        f"  - job_name: app\n"
        f"    sample_limit: 2\n"
        f"    metric_relabel_configs: [{{source_labels: [__name__], regex: 'go_.*', action: drop}}]\n"
        f"    static_configs: [{{targets: ['{targets.address}']}}]\n"))
    wait_until("a scraped", lambda: query(v, "a"))
    assert not query(v, "go_threads")
    assert list(query(v, "scrape_samples_post_metric_relabeling").values()) == [2.0]
    targets.serve("/metrics", "a 1\nb 2\nc 3\n")
    wait_until("up 0 past the sample limit", lambda: 0.0 in query(v, "up").values())
    assert active_targets(v)[0]["lastError"] == "sample limit exceeded (limit 2)"
    assert not query(v, "c")


def test_file_sd_changes_apply_without_restart(start_vigild, targets, tmp_path):
    targets.serve("/one", "from_one 1\n")
    targets.serve("/two", "from_two 2\n")
    sd = tmp_path / "targets.json"
    sd.write_text(json.dumps([{"targets": [targets.address], "labels": {"__metrics_path__": "/one"}}]))
    v = start_vigild(config=config(
        "  - job_name: files\n"
        f"    file_sd_configs: [{{files: ['{tmp_path}/*.json']}}]\n"
        "    relabel_configs:\n"
        "      - {source_labels: [__metrics_path__], target_label: path}\n"))
    wait_until("first target scraped", lambda: query(v, "from_one"))

    # A second file adds a target; a half-written file changes nothing.
    (tmp_path / "more.json").write_text(json.dumps(
        [{"targets": [targets.address], "labels": {"__metrics_path__": "/two"}}]))
    wait_until("second target scraped", lambda: query(v, "from_two"))
    sd.write_text('[{"targets": ["x"], "labels": {"bad name": "1"}')
    v.await_log(r"msg=\"file_sd file not applied.*targets\.json:1:")
    assert len(active_targets(v)) == 2

    # Removing a target marks its series stale at once.
    sd.write_text("[]")
    wait_until("removed target's series stale", lambda: not query(v, "from_one"))
    wait_until("removed target's up stale", lambda: len(query(v, "up")) == 1)
    assert [t["labels"]["path"] for t in active_targets(v)] == ["/two"]


def test_reload_adds_jobs_and_keeps_unaffected_scrapers(start_vigild, targets, tmp_path):
    targets.serve("/metrics", "a 1\n")
    targets.serve("/other", "b 1\n")
    job_a = f"  - job_name: a\n    static_configs: [{{targets: ['{targets.address}']}}]\n"
    job_b = (f"  - job_name: b\n    metrics_path: /other\n"
             f"    basic_auth: {{username: u, password: p}}\n"
             f"    static_configs: [{{targets: ['{targets.address}']}}]\n")
    v = start_vigild(config=config(job_a))
    path = tmp_path / "vigil0.yaml"
    wait_until("job a scraped", lambda: query(v, "a"))

    path.write_text(config(job_a + job_b))
    status, _, body = v.post("/-/reload")
    assert status == 200, body
    wait_until("job b scraped", lambda: query(v, "b"))
    expected = "Basic " + base64.b64encode(b"u:p").decode()
    assert targets.headers_of("/other")[0]["Authorization"] == expected
    # Job a's scraper kept running with its cache: two scrapes later it has
    # still added its one series only once.
    def scrapes_of_a():
        return list(query(v, 'count_over_time(up{job="a"}[5m])').values())[0]
    seen = scrapes_of_a()
    wait_until("two more scrapes of a", lambda: scrapes_of_a() >= seen + 2)
    assert list(query(v, 'sum_over_time(scrape_series_added{job="a"}[5m])').values()) == [1.0]

    # A broken file is refused with its position; the running jobs go on.
    path.write_text(config(job_a + "  - job_name: a\n"))
    status, _, body = v.post("/-/reload")
    assert status == 500 and "vigil0.yaml:" in body and "job_name" in body, body
    # SIGHUP reloads too: dropping job b stops it.
    path.write_text(config(job_a))
    v.proc.send_signal(signal.SIGHUP)
    wait_until("job b stale after SIGHUP", lambda: not query(v, "b"))
    assert [t["scrapePool"] for t in active_targets(v)] == ["a"]


def test_unreachable_target_is_down_with_the_error(start_vigild):
    v = start_vigild(config=config(
        "  - job_name: dead\n    static_configs: [{targets: ['127.0.0.1:1']}]\n"))
    wait_until("up 0", lambda: 0.0 in query(v, "up").values())
    [t] = active_targets(v)
    assert t["health"] == "down"
    assert "127.0.0.1:1" in t["lastError"], t["lastError"]
