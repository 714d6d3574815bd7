// Exposition parser throughput on a node_exporter-like scrape of ~10,000
// samples (CPU, network, disk and file-system counters and gauges, memory
// gauges without labels, two histograms with 12 buckets, summaries, and
// kube-state-like gauges with long labels), in both text formats.
//
//   bench/exposition_parse --benchmark_counters_tabular=true
//
// "bytes_per_second" is input MB/s, "items_per_second" samples/s.
// labels:0 is a steady scrape (series bytes, value and timestamp per line:
// what a scrape cache needs); labels:1 also fills the label buffer for every
// series, as on a first scrape.

#include <benchmark/benchmark.h>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/wire/exposition_parser.hpp"

using namespace vigil::wire;

namespace {

// Builds the same metrics in either format: OpenMetrics names a counter's
// family without `_total` and ends with `# EOF`.
class payload_writer {
 public:
  explicit payload_writer(exposition_format format)
      : om_(format == exposition_format::openmetrics) {}

  void family(std::string_view name, std::string_view type, std::string_view help) {
    const bool counter = type == "counter";
    std::string family{name};
    if (counter && om_) family.resize(family.size() - std::string_view{"_total"}.size());
    out_ += "# HELP " + family + " " + std::string(help) + "\n";
    out_ += "# TYPE " + family + " " + std::string(type) + "\n";
  }

  void sample(std::string_view name, std::string_view labels, double value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
    char number[32];
    out_.append(number, std::to_chars(number, number + sizeof number, value).ptr);
    out_ += '\n';
    ++samples_;
  }

  void histogram(std::string_view name, const std::string& labels, std::uint64_t seed) {
    static constexpr const char* bounds[] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                                             "0.5",   "1",    "2.5",   "5",    "10",  "+Inf"};
    std::uint64_t count = 0;
    for (const char* le : bounds) {
      count += (seed * 7 + count) % 97;
      sample(std::string(name) + "_bucket", labels + ",le=\"" + le + "\"", double(count));
    }
    sample(std::string(name) + "_sum", labels, double(count) * 0.173);
    sample(std::string(name) + "_count", labels, double(count));
  }

  std::string finish() {
    if (om_) out_ += "# EOF\n";
    return std::move(out_);
  }
  [[nodiscard]] std::int64_t samples() const { return samples_; }

 private:
  bool om_;
  std::string out_;
  std::int64_t samples_ = 0;
};

struct payload {
  std::string body;
  std::int64_t samples = 0;
};

payload node_payload(exposition_format format) {
  payload_writer w{format};
  static constexpr const char* modes[] = {"idle",    "iowait", "irq",    "nice",
                                          "softirq", "steal",  "system", "user"};
  w.family("node_cpu_seconds_total", "counter", "Seconds the CPUs spent in each mode.");
  for (int cpu = 0; cpu < 32; ++cpu)
    for (const char* mode : modes)
      w.sample("node_cpu_seconds_total",
               "cpu=\"" + std::to_string(cpu) + "\",mode=\"" + mode + "\"", 123456.78 + cpu * 11.5);
  for (const char* dir : {"receive", "transmit"})
    for (const char* what :
         {"bytes", "packets", "errs", "drop", "fifo", "frame", "compressed", "multicast"}) {
      auto name = std::string("node_network_") + dir + "_" + what + "_total";
      w.family(name, "counter", "Network device statistic.");
      for (int dev = 0; dev < 24; ++dev)
        w.sample(name, "device=\"eth" + std::to_string(dev) + "\"", 9.87654321e9 + dev);
    }
  for (const char* what :
       {"reads_completed", "reads_merged", "read_bytes", "read_time_seconds", "writes_completed",
        "writes_merged", "written_bytes", "write_time_seconds", "io_time_seconds",
        "io_time_weighted_seconds", "discards_completed", "flush_requests"}) {
    auto name = std::string("node_disk_") + what + "_total";
    w.family(name, "counter", "Disk statistic.");
    for (int dev = 0; dev < 16; ++dev)
      w.sample(name, "device=\"nvme" + std::to_string(dev) + "n1\"", 4242.125 * (dev + 1));
  }
  for (const char* what : {"avail_bytes", "device_error", "files", "files_free", "free_bytes",
                           "readonly", "size_bytes"}) {
    auto name = std::string("node_filesystem_") + what;
    w.family(name, "gauge", "Filesystem statistic.");
    for (int fs = 0; fs < 30; ++fs)
      w.sample(name,
               "device=\"/dev/sd" + std::string(1, char('a' + fs % 26)) +
                   "1\",fstype=\"ext4\",mountpoint=\"/srv/volume-" + std::to_string(fs) + "\"",
               1.073741824e11 - fs);
  }
  for (int i = 0; i < 80; ++i) {
    auto name = "node_memory_field" + std::to_string(i) + "_bytes";
    w.family(name, "gauge", "Memory information field.");
    w.sample(name, "", 2.5e9 + i * 4096);
  }
  w.family("http_request_duration_seconds", "histogram", "HTTP request latencies.");
  for (int i = 0; i < 200; ++i)
    w.histogram("http_request_duration_seconds",
                "handler=\"/api/v1/resource" + std::to_string(i / 4) + "\",method=\"" +
                    (i % 2 ? "GET" : "POST") + "\",code=\"" + (i % 4 < 2 ? "200" : "500") + "\"",
                std::uint64_t(i));
  w.family("rpc_duration_seconds", "histogram", "RPC latencies.");
  for (int i = 0; i < 100; ++i)
    w.histogram("rpc_duration_seconds", "service=\"svc-" + std::to_string(i) + "\"",
                std::uint64_t(i) * 3);
  w.family("rpc_durations_summary_seconds", "summary", "RPC latency quantiles.");
  for (int i = 0; i < 51; ++i) {
    auto labels = "service=\"svc-" + std::to_string(i) + "\"";
    for (const char* q : {"0.5", "0.9", "0.95", "0.99", "0.999"})
      w.sample("rpc_durations_summary_seconds", labels + ",quantile=\"" + q + "\"",
               0.0001234 * (i + 1));
    w.sample("rpc_durations_summary_seconds_sum", labels, 17.25 * i);
    w.sample("rpc_durations_summary_seconds_count", labels, 100.0 * i);
  }
  w.family("kube_pod_container_status_ready", "gauge", "Whether the container is ready.");
  for (int i = 0; i < 4300; ++i)
    w.sample("kube_pod_container_status_ready",
             "namespace=\"team-" + std::to_string(i % 40) + "\",pod=\"deployment-" +
                 std::to_string(i / 3) + "-7d9f8c6b5-x2kqz\",container=\"app-" +
                 std::to_string(i % 3) + "\",uid=\"3f2b1c4d-" + std::to_string(100000 + i) +
                 "-4e5f-9a8b-0c1d2e3f4a5b\"",
             i % 7 ? 1 : 0);
  return {w.finish(), w.samples()};
}

void BM_parse(benchmark::State& state) {
  const auto format = exposition_format(state.range(0));
  const bool with_labels = state.range(1) != 0;
  const auto data = node_payload(format);
  label_buffer labels;
  double checksum = 0;
  for (auto _ : state) {
    exposition_parser parser{data.body, format};
    for (;;) {
      auto entry = parser.next();
      if (!entry) {
        state.SkipWithError(entry.error_value().message.c_str());
        return;
      }
      if (*entry == entry_kind::eof) break;
      if (*entry != entry_kind::series) continue;
      benchmark::DoNotOptimize(parser.series().data());
      checksum += parser.value() + double(parser.time().value_or(0));
      if (with_labels) parser.labels(labels);
    }
  }
  benchmark::DoNotOptimize(checksum);
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(data.body.size()));
  state.SetItemsProcessed(std::int64_t(state.iterations()) * data.samples);
  state.SetLabel(std::to_string(data.samples) + " samples, " +
                 std::to_string(data.body.size() / 1024) + " KiB");
}

}  // namespace

// format: 0 Prometheus text, 1 OpenMetrics.
BENCHMARK(BM_parse)->ArgNames({"format", "labels"})->ArgsProduct({{0, 1}, {0, 1}});

BENCHMARK_MAIN();
