"""Prometheus's status pages: the configuration in force with its secrets
hidden, the flags, and runtime information that follows reloads."""

import json


CONFIG = ("cluster:\n  nodes: [{name: local}]\n"
          "scrape_configs:\n"
          "  - job_name: app\n"
          "    basic_auth: {username: scraper, password: hunter2}\n"
          "    static_configs: [{targets: ['127.0.0.1:1']}]\n")


def data(v, path):
    status, _, body = v.get(path)
    assert status == 200, body
    doc = json.loads(body)
    assert doc["status"] == "success"
    return doc["data"]


def test_config_flags_and_runtimeinfo(start_vigild, tmp_path):
    v = start_vigild(config=CONFIG)
    yaml = data(v, "/api/v1/status/config")["yaml"]
    assert "hunter2" not in yaml and "password: <secret>" in yaml, yaml
    assert "username: scraper" in yaml and "job_name: app" in yaml

    flags = data(v, "/api/v1/status/flags")
    assert flags["config"] == str(tmp_path / "vigil0.yaml")
    assert flags["data"] == str(tmp_path / "data0")
    assert flags["node"] == "local" and flags["log-level"] == "info"

    info = data(v, "/api/v1/status/runtimeinfo")
    assert info["reloadConfigSuccess"] is True
    assert info["CWD"] == str(tmp_path) and info["storageRetention"] == "1w"
    started = info["lastConfigTime"]

    (tmp_path / "vigil0.yaml").write_text(CONFIG + "  - job_name: app\n")
    status, _, _ = v.post("/-/reload")
    assert status == 500
    info = data(v, "/api/v1/status/runtimeinfo")
    assert info["reloadConfigSuccess"] is False and info["lastConfigTime"] == started

    (tmp_path / "vigil0.yaml").write_text(CONFIG.replace("hunter2", "s3cret"))
    status, _, _ = v.post("/-/reload")
    assert status == 200
    assert data(v, "/api/v1/status/runtimeinfo")["reloadConfigSuccess"] is True
    assert "s3cret" not in data(v, "/api/v1/status/config")["yaml"]
