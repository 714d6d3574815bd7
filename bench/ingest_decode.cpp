// Push ingest decode throughput: a Prometheus remote write request of 1,000
// series × 10 samples (node_exporter-like labels, snappy-compressed as
// Prometheus sends it), and an InfluxDB line protocol body of 5,000
// Telegraf-like lines with three fields each, both decoded into series
// writes.
//
//   bench/ingest_decode --benchmark_counters_tabular=true
//
// "items_per_second" is samples/s, "bytes_per_second" body bytes/s (as
// received, i.e. compressed for remote write).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/wire/line_protocol.hpp"
#include "runtime/wire/remote_write.hpp"

using namespace vigil;
using namespace vigil::wire;

namespace {

constexpr timestamp start = 1'700'000'000'000;

std::vector<series_write> remote_write_series() {
  static constexpr const char* modes[] = {"idle", "iowait", "irq", "nice", "system", "user"};
  std::vector<series_write> out;
  for (int i = 0; i < 1000; ++i) {
    auto ls = labels::from({{"__name__", "node_cpu_seconds_total"},
                            {"instance", "host-" + std::to_string(i / 48) + ".example.org:9100"},
                            {"job", "node"},
                            {"cpu", std::to_string(i / 6 % 8)},
                            {"mode", modes[i % 6]}});
    series_write::sample_list samples;
    for (int j = 0; j < 10; ++j) samples.push_back({start + j * 15'000, 1234.5 + i + j * 0.25});
    out.push_back({std::move(ls).value(), std::move(samples)});
  }
  return out;
}

void BM_remote_write(benchmark::State& state) {
  const auto body = encode_remote_write(remote_write_series());
  std::int64_t samples = 0;
  for (auto _ : state) {
    auto batch = decode_remote_write(body, 64 << 20);
    if (!batch) {
      state.SkipWithError(batch.error_value().message.c_str());
      return;
    }
    for (const auto& s : batch->series) samples += std::int64_t(s.samples.size());
    benchmark::DoNotOptimize(batch->series.data());
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(body.size()));
  state.SetItemsProcessed(samples);
  state.SetLabel("1000 series x 10 samples, " + std::to_string(body.size() / 1024) + " KiB");
}

std::string line_protocol_body() {
  std::string out;
  for (int i = 0; i < 5000; ++i) {
    out += "cpu,host=server-" + std::to_string(i / 8) + ",region=eu-west-1,cpu=cpu" +
           std::to_string(i % 8) + " usage_user=" + std::to_string(12.5 + i % 50) +
           ",usage_system=3.25,usage_idle=" + std::to_string(80 - i % 50) + " " +
           std::to_string(start * 1'000'000 + i) + "\n";
  }
  return out;
}

void BM_line_protocol(benchmark::State& state) {
  const auto body = line_protocol_body();
  std::int64_t samples = 0;
  for (auto _ : state) {
    auto batch = decode_line_protocol(body, precision::ns, start);
    if (!batch.issues.empty()) {
      state.SkipWithError(batch.issues.front().message.c_str());
      return;
    }
    samples += std::int64_t(batch.series.size());
    benchmark::DoNotOptimize(batch.series.data());
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(body.size()));
  state.SetItemsProcessed(samples);
  state.SetLabel("5000 lines x 3 fields, " + std::to_string(body.size() / 1024) + " KiB");
}

}  // namespace

BENCHMARK(BM_remote_write);
BENCHMARK(BM_line_protocol);

BENCHMARK_MAIN();
