"""vigild's command line and config checking, as a user runs them."""

import glob
import os
import re
import subprocess

from conftest import SOURCE_DIR


def run(vigild_bin, *args, timeout=30):
    return subprocess.run([vigild_bin, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def test_three_mistakes_are_all_reported_with_positions(vigild_bin, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "cluster:\n"
        "  secret: s3cret\n"
        "  nodes:\n"
        "    - name: a\n"
        "      colour: blue\n"          # unknown key, line 5 col 7
        "    - host: 127.0.0.2\n"       # missing name, line 6 col 7
        "global:\n"
        "  scrape_interval: 15x\n"      # bad duration, line 8 col 20
    )
    r = run(vigild_bin, "--config", str(path), "--check-config")
    assert r.returncode == 2, r.stderr
    lines = [l for l in r.stderr.splitlines() if l.startswith(str(path))]
    assert len(lines) == 3, r.stderr
    text = "\n".join(lines)
    assert re.search(rf"{re.escape(str(path))}:5:7: cluster\.nodes\[0\]\.colour: unknown key", text), text
    assert re.search(rf"{re.escape(str(path))}:6:7: cluster\.nodes\[1\]: missing required field \"name\"", text), text
    assert re.search(rf"{re.escape(str(path))}:8:20: global\.scrape_interval: .*invalid duration", text), text


def test_valid_configs_check_clean(vigild_bin):
    examples = sorted(glob.glob(os.path.join(SOURCE_DIR, "examples", "*.yaml")))
    assert examples
    for path in examples:
        node = ["--node", "node-1"] if "cluster" in os.path.basename(path) else []
        r = run(vigild_bin, "--config", path, *node, "--check-config")
        assert r.returncode == 0, (path, r.stderr)
        assert "config OK" in r.stdout


def test_embedded_default_checks_clean(vigild_bin):
    r = run(vigild_bin, "--check-config")
    assert r.returncode == 0, r.stderr
    assert "<embedded>" in r.stdout


def test_unknown_node_is_a_config_error(vigild_bin):
    r = run(vigild_bin, "--node", "nope", "--check-config")
    assert r.returncode == 2
    assert "nope" in r.stderr


def test_usage_errors_exit_2_and_name_the_flag(vigild_bin):
    for args, needle in ((["--bogus"], "--bogus"), (["--http", "nowhere"], "--http"),
                         (["--log-level", "loud"], "loud"), (["--config"], "--config")):
        r = run(vigild_bin, *args)
        assert r.returncode == 2, args
        assert needle in r.stderr, (args, r.stderr)


def test_help_and_version_exit_0(vigild_bin):
    r = run(vigild_bin, "--help")
    assert r.returncode == 0 and "Usage: vigild" in r.stdout
    r = run(vigild_bin, "--version")
    assert r.returncode == 0 and r.stdout.startswith("vigild ")


def test_unbindable_port_exits_1(vigild_bin, tmp_path):
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = run(vigild_bin, "--http", f"127.0.0.1:{port}", "--data", str(tmp_path / "d"))
    assert r.returncode == 1, r.stderr
    assert "cannot listen" in r.stderr
