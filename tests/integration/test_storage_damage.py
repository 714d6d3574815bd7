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
