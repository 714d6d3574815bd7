#!/usr/bin/env bash
# Bytes per sample on disk, side by side in one run on the same dataset:
# vigil (build/bench/store_bytes), Prometheus 2.42 (promtool backfill) and
# VictoriaMetrics 1.79 (import, flush, force merge). Results in
# docs/benchmarks.md.
#
#   bench/compare_disk.sh DATASET_DIR [BUILD_DIR] [WORK_DIR]
#
# DATASET_DIR from ../shared/tools/gen_dataset.py (data.om, data.vm.jsonl,
# meta.json). Everything listens on 127.0.0.1 only.
set -euo pipefail
dataset=${1:?usage: compare_disk.sh DATASET_DIR [BUILD_DIR] [WORK_DIR]}
build=${2:-build}
work=${3:-$(mktemp -d /tmp/compare-disk.XXXXXX)}
samples=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["samples"])' "$dataset/meta.json")
per_sample() { /usr/bin/python3 -c "import sys; print(f'{int(sys.argv[1]) / int(sys.argv[2]):.3f}')" "$1" "$samples"; }

echo "== vigil"
"$build/bench/store_bytes" "$dataset" "$work/vigil"

echo "== Prometheus $(promtool --version 2>&1 | head -1 | awk '{print $3}')"
promtool tsdb create-blocks-from openmetrics --max-block-duration=24h "$dataset/data.om" "$work/prometheus" >/dev/null
prom_bytes=$(du -sb "$work/prometheus" | cut -f1)
echo "blocks on disk  $prom_bytes bytes  $(per_sample "$prom_bytes") bytes/sample"

echo "== VictoriaMetrics"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
victoria-metrics -httpListenAddr="127.0.0.1:$port" -storageDataPath="$work/vm" -retentionPeriod=100y \
  >"$work/vm.log" 2>&1 &
vm=$!
trap 'kill $vm 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
curl -sf -X POST -T "$dataset/data.vm.jsonl" "http://127.0.0.1:$port/api/v1/import"
curl -sf "http://127.0.0.1:$port/internal/force_flush"
month=$(date -u -d "@$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["start"])' "$dataset/meta.json")" +%Y_%m)
curl -sf "http://127.0.0.1:$port/internal/force_merge?partition_prefix=$month"
# force_merge returns at once; wait (bounded) until no merge is running.
for _ in $(seq 600); do
  active=$(curl -sf "http://127.0.0.1:$port/metrics" | awk '/^vm_active_merges/ {s += $2} END {print s + 0}')
  [[ $active == 0 ]] && break
  sleep 1
done
kill $vm && wait $vm 2>/dev/null || true
trap - EXIT
vm_bytes=$(du -sb "$work/vm/data" | cut -f1)
vm_all=$(du -sb "$work/vm" | cut -f1)
echo "data on disk    $vm_bytes bytes  $(per_sample "$vm_bytes") bytes/sample ($(per_sample "$vm_all") with indexdb)"
echo "work dir: $work"
