"""Damaged storage at start: each problem is reported with its file (and
offset for the WAL), and vigild still starts and serves."""

import os

CONFIG = "cluster:\n  shards: 2\n  nodes: [{name: local}]\n"


def segments(wal_dir):
    return sorted(f for f in os.listdir(wal_dir) if f.isdigit())


def test_torn_wal_and_unreadable_database_do_not_stop_the_node(start_vigild, tmp_path):
    v = start_vigild(config=CONFIG)
    data = tmp_path / "data0"
    v.stop()
    assert v.proc.returncode == 0

    # A torn record at the end of shard-0's newest WAL segment.
    wal0 = data / "shard-0" / "wal"
    last = wal0 / segments(wal0)[-1]
    size = last.stat().st_size
    with open(last, "ab") as f:
        f.write(b"\x40\x00\x00\x00\xde\xad\xbe\xef\x02partial")
    # shard-1's database overwritten with garbage.
    db1 = data / "shard-1" / "shard.db"
    for suffix in ("-wal", "-shm"):
        p = db1.with_name(db1.name + suffix)
        if p.exists():
            p.unlink()
    db1.write_bytes(b"\x5a" * 8192)

    v2 = start_vigild(config=CONFIG, data_dir=data)
    torn = v2.await_log(r"msg=\"wal damage repaired\" shard=shard-0")
    assert str(last) in torn and f"at offset {size}" in torn, torn
    bad = v2.await_log(r"msg=\"database unreadable\" shard=shard-1")
    assert str(db1) in bad and "moved to" in bad, bad
    assert (data / "shard-1" / "shard.db.damaged").exists()
    status, _, _ = v2.get("/-/ready")
    assert status == 200
    status, _, body = v2.get("/api/v1/status/tsdb")
    assert status == 200, body
    assert '"shards":2' in body


def test_flush_and_status_say_which_shards_are_restarting(start_vigild, tmp_path):
    import fcntl
    import json
    import time

    v = start_vigild(config=CONFIG)
    lock = open(tmp_path / "data0" / "shard-1" / "LOCK", "r+")
    status, _, body = v.post("/api/v1/admin/fault?actor=node/storage/shard-1&mode=kill", body=b"")
    assert status == 200, body
    # The killed shard releases its lock; taking it keeps the restarts failing.
    deadline = time.monotonic() + 10
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            assert time.monotonic() < deadline, "shard-1 never released its lock"
            v.await_log(r"child failed, restarting.*child=node/storage/shard-1", timeout=10)
    try:
        deadline = time.monotonic() + 10
        while True:
            status, _, body = v.post("/api/v1/admin/flush", body=b"")
            if status == 503:
                break
            assert time.monotonic() < deadline, body
        assert "node/storage/shard-1" in body
        status, _, body = v.get("/api/v1/status/tsdb")
        assert status == 200
        doc = json.loads(body)
        if "warnings" in doc:  # unless a restart attempt was just under way
            assert "node/storage/shard-1" in doc["warnings"][0]
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
    deadline = time.monotonic() + 15
    while v.post("/api/v1/admin/flush", body=b"")[0] != 200:
        assert time.monotonic() < deadline, "shard-1 did not come back"
    assert v.proc.poll() is None


def test_damaged_page_inside_a_readable_database_is_reported(start_vigild, tmp_path):
    import sqlite3

    v = start_vigild(config=CONFIG)
    data = tmp_path / "data0"
    v.stop()
    db0 = data / "shard-0" / "shard.db"
    # Enough rows for a multi-page table, then one of its pages overwritten.
    with sqlite3.connect(db0) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                         ((f"filler.{i}", "x" * 200) for i in range(2000)))
    page_size = int.from_bytes(db0.read_bytes()[16:18], "big")  # SQLite's header
    pages = db0.stat().st_size // page_size
    assert pages > 8
    damaged = pages // 2
    with open(db0, "r+b") as f:
        f.seek((damaged - 1) * page_size + 16)
        f.write(b"\xff" * 64)

    v2 = start_vigild(config=CONFIG, data_dir=data)
    line = v2.await_log(r"msg=\"database damaged\" shard=shard-0")
    offset = (damaged - 1) * page_size
    assert str(db0) in line and f"page(s) {damaged} (offset {offset})" in line, line
    status, _, _ = v2.get("/-/ready")
    assert status == 200
    status, _, body = v2.get("/api/v1/status/tsdb")
    assert status == 200, body
