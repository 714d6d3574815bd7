// scrape_targets --targets T --series S --interval SECONDS [--variants V]
//
// The scrape side of bench/compare_scrape.py: T targets on 127.0.0.1, each
// on its own ephemeral port (so every system labels them by address, with no
// relabelling), each serving S node_exporter-like series in the text format
// 0.0.4: counters (CPU seconds, interrupts, network and disk), gauges
// (file-system bytes, temperatures, constants) and a few histograms.
//
// Values move with the wall clock (new ones every second), so the systems'
// compression and caches see realistic changes. Bodies are rendered at most
// once per second per variant, and target t serves variant t % V (distinct
// values for neighbours); a scrape only copies a ready body, so this
// server's CPU is small and the same whatever system scrapes it. Bodies are
// never compressed, whatever Accept-Encoding asks.
//
// Prints "control PORT targets PORT..." on one line, then serves until
// SIGINT or SIGTERM. The control port answers GET /stats with JSON: the
// server's steady clock (now_ms) and per target [scrapes, missed, last_ms,
// max_gap_ms]. A scrape arriving `gap` after the previous one counts
// floor(gap / interval - 0.5) missed scrapes (late by half an interval or
// more); `missed` also includes the gap still open at now_ms. POST /window
// resets max_gap_ms.

#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/http/event_loop.hpp"
#include "runtime/http/server.hpp"

using namespace vigil;

namespace {

enum class shape { seconds, counter, gauge_bytes, temperature, constant, bucket, sum, count };

struct series {
  std::string prefix;  // `name{labels} `
  shape kind;
  double cdf = 1;      // buckets: the share of observations at or below le
  uint64_t group = 0;  // histograms: which one, so that its members agree
};

struct family {
  std::string head;  // HELP and TYPE lines
  std::vector<series> members;
};

uint64_t mix(uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  return x ^ (x >> 31);
}

double unit(uint64_t x) {  // [0, 1)
  return double(mix(x) >> 11) * 0x1p-53;
}

// Monotonic in n with a varying slope (0.5 to 1.5), so counters increase by
// different amounts every second.
double wobble(double n, double phase) {
  return n + 3.5 * std::sin(n / 7 + phase);
}

class body_model {
 public:
  explicit body_model(int series_count) { build(series_count); }

  /// The text of variant `v` at second `n`.
  void render(std::string& out, uint64_t v, int64_t n) const {
    out.clear();
    uint64_t i = 0;
    for (const auto& f : families_) {
      out += f.head;
      for (const auto& s : f.members) {
        out += s.prefix;
        append_value(out, s, (v << 32) + i++, double(n) + double(v) * 1009);
        out += '\n';
      }
    }
  }

 private:
  static void append_value(std::string& out, const series& s, uint64_t id, double n) {
    const double a = unit(id * 3), b = unit(id * 3 + 1), phase = unit(id * 3 + 2) * 6.28;
    char buf[40];
    char* end = buf;
    auto fixed = [&](double x, int digits) {
      end = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed, digits).ptr;
    };
    auto integer = [&](double x) {
      end = std::to_chars(buf, buf + sizeof buf, uint64_t(std::max(0.0, x))).ptr;
    };
    switch (s.kind) {
      case shape::seconds:  // CPU seconds: up to one per second
        fixed(a * 1e6 + b * wobble(n, phase), 2);
        break;
      case shape::counter:  // from rarely changing to 10^6 per second
        integer(a * 1e10 + std::pow(10, b * 9 - 3) * wobble(n, phase));
        break;
      case shape::gauge_bytes:
        integer(4096 * std::floor(a * 1e6 + 64 * std::sin(n / 13 + phase)));
        break;
      case shape::temperature:
        fixed(35 + 25 * a + 5 * std::sin(n / 240 + phase) + unit(id ^ uint64_t(n)) - 0.5, 1);
        break;
      case shape::constant:
        integer(std::floor(a * 16) * 0x1p30);
        break;
      case shape::bucket:
      case shape::sum:
      case shape::count: {
        // From the histogram's number, not the member's, so that buckets
        // stay cumulative.
        const uint64_t h = (id >> 32 << 32) + (s.group << 8);
        const double count = std::floor((10 + unit(h) * 200) * wobble(n, unit(h + 1) * 6.28));
        if (s.kind == shape::sum)
          fixed(count * (0.05 + unit(h + 2) * 0.2), 3);
        else
          integer(s.kind == shape::bucket ? std::floor(count * s.cdf) : count);
        break;
      }
    }
    out.append(buf, end);
  }

  family& add(const std::string& name, const char* type, const char* help) {
    auto& f = families_.emplace_back();
    f.head = "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    return f;
  }

  // Shares of the series roughly as on a node_exporter host: three
  // quarters counters, the rest gauges, constants and histograms.
  void build(int total) {
    auto share = [&](double s) { return int(std::lround(total * s)); };
    static const char* modes[] = {"idle",    "iowait", "irq",    "nice",
                                  "softirq", "steal",  "system", "user"};
    auto& cpu = add("node_cpu_seconds_total", "counter", "Seconds the CPUs spent in each mode.");
    for (int j = 0; j < share(0.30); ++j)
      cpu.members.push_back({"node_cpu_seconds_total{cpu=\"" + std::to_string(j / 8) +
                                 "\",mode=\"" + modes[j % 8] + "\"} ",
                             shape::seconds});
    for (const char* what : {"receive_bytes", "transmit_bytes", "receive_packets",
                             "transmit_packets", "receive_drop", "transmit_errs"}) {
      const std::string name = std::string("node_network_") + what + "_total";
      auto& f = add(name, "counter", "Network device statistic.");
      for (int j = 0; j < share(0.03); ++j)
        f.members.push_back({name + "{device=\"eth" + std::to_string(j) + "\"} ", shape::counter});
    }
    for (const char* what : {"read_bytes", "written_bytes", "reads_completed", "writes_completed",
                             "io_time_seconds"}) {
      const std::string name = std::string("node_disk_") + what + "_total";
      const bool seconds = std::string_view{what} == "io_time_seconds";
      auto& f = add(name, "counter", "Disk statistic.");
      for (int j = 0; j < share(0.02); ++j)
        f.members.push_back({name + "{device=\"nvme" + std::to_string(j) + "n1\"} ",
                             seconds ? shape::seconds : shape::counter});
    }
    for (auto [what, kind] :
         {std::pair{"avail_bytes", shape::gauge_bytes}, std::pair{"size_bytes", shape::constant}}) {
      const std::string name = std::string("node_filesystem_") + what;
      auto& f = add(name, "gauge", "Filesystem statistic.");
      for (int j = 0; j < share(0.05); ++j)
        f.members.push_back({name + "{device=\"/dev/sd" + char('a' + j % 26) + std::to_string(j) +
                                 "\",fstype=\"ext4\",mountpoint=\"/srv/volume-" +
                                 std::to_string(j) + "\"} ",
                             kind});
    }
    auto& temp = add("node_hwmon_temp_celsius", "gauge", "Hardware monitor for temperature.");
    for (int j = 0; j < share(0.04); ++j)
      temp.members.push_back({"node_hwmon_temp_celsius{chip=\"platform_coretemp_" +
                                  std::to_string(j / 16) + "\",sensor=\"temp" +
                                  std::to_string(j % 16) + "\"} ",
                              shape::temperature});
    // Interrupt counters fill up to the total, leaving room for the
    // histograms (12 buckets, sum and count each).
    const int histograms = share(0.12) / 14;
    int rest = total - histograms * 14;
    for (const auto& f : families_) rest -= int(f.members.size());
    auto& irq = add("node_interrupts_total", "counter", "Interrupt details.");
    for (int j = 0; j < rest; ++j)
      irq.members.push_back({"node_interrupts_total{cpu=\"" + std::to_string(j % 8) + "\",type=\"" +
                                 std::to_string(j / 8) + "\"} ",
                             shape::counter});
    static const char* les[] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                                "0.5",   "1",    "2.5",   "5",    "10",  "+Inf"};
    const std::string hist = "http_request_duration_seconds";
    auto& h = add(hist, "histogram", "HTTP request latencies.");
    for (int j = 0; j < histograms; ++j) {
      const std::string labels = "handler=\"/api/v1/resource" + std::to_string(j) + "\"";
      const uint64_t group = uint64_t(j + 1);
      for (int k = 0; k < 12; ++k) {
        // Log-normal latencies around 80 ms.
        const double cdf =
            k == 11 ? 1 : 0.5 * std::erfc(-std::log(std::stod(les[k]) / 0.08) / (0.9 * M_SQRT2));
        h.members.push_back(
            {hist + "_bucket{" + labels + ",le=\"" + les[k] + "\"} ", shape::bucket, cdf, group});
      }
      h.members.push_back({hist + "_sum{" + labels + "} ", shape::sum, 1, group});
      h.members.push_back({hist + "_count{" + labels + "} ", shape::count, 1, group});
    }
  }

  std::vector<family> families_;
};

struct target_stats {
  uint64_t scrapes = 0;
  uint64_t missed = 0;
  int64_t last_ms = -1;
  int64_t max_gap_ms = 0;
};

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Everything here is used on the loop thread only.
class target_state {
 public:
  target_state(int targets, int series, int64_t interval_ms, int variants)
      : model_(series),
        interval_ms_(interval_ms),
        started_ms_(steady_ms()),
        first_second_(unix_seconds()),
        stats_(size_t(targets)),
        bodies_(size_t(variants)),
        ticks_(size_t(variants), -1) {}

  const std::string& scraped(size_t t) {
    const int64_t now = steady_ms();
    auto& s = stats_[t];
    if (s.last_ms >= 0) {
      s.missed += missed_in(now - s.last_ms);
      s.max_gap_ms = std::max(s.max_gap_ms, now - s.last_ms);
    }
    s.last_ms = now;
    ++s.scrapes;
    const size_t v = t % bodies_.size();
    const int64_t second = unix_seconds();
    if (ticks_[v] != second) {
      // Counted from our start, so counters have plausible magnitudes.
      model_.render(bodies_[v], v, second - first_second_);
      ticks_[v] = second;
    }
    return bodies_[v];
  }

  std::string stats_json() const {
    const int64_t now = steady_ms();
    std::string out = "{\"now_ms\":" + std::to_string(now) + ",\"targets\":[";
    for (size_t t = 0; t < stats_.size(); ++t) {
      const auto& s = stats_[t];
      const uint64_t open = missed_in(now - (s.last_ms >= 0 ? s.last_ms : started_ms_));
      out += (t ? ",[" : "[") + std::to_string(s.scrapes) + "," + std::to_string(s.missed + open) +
             "," + std::to_string(s.last_ms) + "," + std::to_string(s.max_gap_ms) + "]";
    }
    return out + "]}";
  }

  void reset_gaps() {
    for (auto& s : stats_) s.max_gap_ms = 0;
  }

 private:
  [[nodiscard]] uint64_t missed_in(int64_t gap_ms) const {
    return uint64_t(std::max<int64_t>(0, (2 * gap_ms - interval_ms_) / (2 * interval_ms_)));
  }

  body_model model_;
  int64_t interval_ms_;
  int64_t started_ms_;
  int64_t first_second_;
  std::vector<target_stats> stats_;
  std::vector<std::string> bodies_;
  std::vector<int64_t> ticks_;
};

struct stop_signal {
  std::mutex mutex;
  std::condition_variable cv;
  bool fired = false;
  void fire() {
    std::lock_guard lock{mutex};
    fired = true;
    cv.notify_all();
  }
  void wait() {
    std::unique_lock lock{mutex};
    cv.wait(lock, [&] { return fired; });
  }
};

int usage() {
  std::fputs("usage: scrape_targets --targets T --series S --interval SECONDS [--variants V]\n",
             stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int targets = 0, series = 0, variants = 8;
  double interval = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--targets")
      targets = std::atoi(argv[i + 1]);
    else if (flag == "--series")
      series = std::atoi(argv[i + 1]);
    else if (flag == "--interval")
      interval = std::atof(argv[i + 1]);
    else if (flag == "--variants")
      variants = std::atoi(argv[i + 1]);
    else
      return usage();
  }
  if (argc % 2 == 0 || targets <= 0 || series < 20 || interval <= 0 || variants <= 0)
    return usage();

  target_state state{targets, series, std::llround(interval * 1000), variants};
  stop_signal stop;
  http::event_loop loop;
  for (int signum : {SIGINT, SIGTERM})
    if (auto err = loop.on_signal(signum, [&stop] { stop.fire(); })) {
      std::fprintf(stderr, "scrape_targets: %s\n", err->message.c_str());
      return 1;
    }
  if (auto err = loop.start()) {
    std::fprintf(stderr, "scrape_targets: %s\n", err->message.c_str());
    return 1;
  }

  std::vector<std::unique_ptr<http::server>> servers;
  std::string ports;
  auto serve = [&](http::router routes) -> bool {
    auto& srv = servers.emplace_back(
        std::make_unique<http::server>(loop, http::server_options{}, std::move(routes)));
    auto port = srv->listen("127.0.0.1", 0);
    if (!port) {
      std::fprintf(stderr, "scrape_targets: %s\n", port.error_value().message.c_str());
      return false;
    }
    ports += " " + std::to_string(*port);
    return true;
  };
  http::router control;
  control.add("GET", "/stats", "stats", [&state](http::request&&, http::responder r) {
    r.send(http::response::json(200, state.stats_json()));
  });
  control.add("POST", "/window", "window", [&state](http::request&&, http::responder r) {
    state.reset_gaps();
    r.send(http::response::json(200, "{}"));
  });
  bool ok = serve(std::move(control));
  ports += " targets";
  for (int t = 0; ok && t < targets; ++t) {
    http::router routes;
    routes.add("GET", "/metrics", "metrics", [&state, t](http::request&&, http::responder r) {
      r.send(http::response::text(200, state.scraped(size_t(t)), "text/plain; version=0.0.4"));
    });
    ok = serve(std::move(routes));
  }
  if (ok) {
    std::printf("control%s\n", ports.c_str());
    std::fflush(stdout);
    stop.wait();
  }
  servers.clear();
  loop.stop();
  return ok ? 0 : 1;
}
