#!/usr/bin/env bash
# Push ingest throughput side by side in one run on the same dataset:
# vigil's msgpack push over TCP with acks (build/bench/push_tcp against a
# vigild with 2 shards; every ack means durable in the WAL) and
# VictoriaMetrics 1.79's /api/v1/import (JSON lines, one POST of the whole
# file; timed to its response and again to /internal/force_flush).
# Results in docs/benchmarks.md.
#
#   bench/compare_push.sh DATASET_DIR [BUILD_DIR] [WORK_DIR]
#
# DATASET_DIR from ../shared/tools/gen_dataset.py (data.vm.jsonl,
# meta.json). PUSH_ARGS passes extra flags to push_tcp (--batch,
# --connections). Everything listens on 127.0.0.1 only.
set -euo pipefail
dataset=${1:?usage: compare_push.sh DATASET_DIR [BUILD_DIR] [WORK_DIR]}
build=${2:-build}
work=${3:-$(mktemp -d /tmp/compare-push.XXXXXX)}
samples=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["samples"])' "$dataset/meta.json")
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
rate() { /usr/bin/python3 -c "import sys; print(f'{int(sys.argv[1]) / float(sys.argv[2]):,.0f}')" "$samples" "$1"; }
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

echo "== vigil $("$build/runtime/vigild" --version)"
mkdir -p "$work"
printf 'cluster:\n  shards: 2\n  nodes: [{name: bench}]\n' >"$work/vigil.yaml"
ingest=$(free_port)
http=$(free_port)
"$build/runtime/vigild" --config "$work/vigil.yaml" --data "$work/vigil" --http "127.0.0.1:$http" \
  --ingest "127.0.0.1:$ingest" --actor "127.0.0.1:$(free_port)" >"$work/vigild.log" 2>&1 &
vigild=$!
pids+=("$vigild")
for _ in $(seq 200); do grep -qs 'msg=ready' "$work/vigild.log" && break; sleep 0.1; done
# shellcheck disable=SC2086
"$build/bench/push_tcp" "$dataset" "127.0.0.1:$ingest" ${PUSH_ARGS:-}
end=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["end"])' "$dataset/meta.json")
echo "series readable at the end: $(curl -sf "http://127.0.0.1:$http/api/v1/query" \
  --data-urlencode 'query=count({__name__=~".+"})' --data-urlencode "time=$end" |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["result"][0]["value"][1])')"
kill "$vigild" && wait "$vigild" 2>/dev/null || true

echo "== VictoriaMetrics"
port=$(free_port)
victoria-metrics -httpListenAddr="127.0.0.1:$port" -storageDataPath="$work/vm" -retentionPeriod=100y \
  >"$work/vm.log" 2>&1 &
vm=$!
pids+=("$vm")
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
start=$(date +%s.%N)
curl -sf -X POST -T "$dataset/data.vm.jsonl" "http://127.0.0.1:$port/api/v1/import"
imported=$(date +%s.%N)
curl -sf "http://127.0.0.1:$port/internal/force_flush"
flushed=$(date +%s.%N)
t_import=$(echo "$imported - $start" | bc)
t_flush=$(echo "$flushed - $start" | bc)
echo "import answered in $t_import s: $(rate "$t_import") samples/s; flushed after $t_flush s: $(rate "$t_flush") samples/s"
kill "$vm" && wait "$vm" 2>/dev/null || true
echo "work dir: $work"
