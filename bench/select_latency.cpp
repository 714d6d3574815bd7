// select_latency STORE_DIR [--shards N] [--runs R]
//
// Read path of the shard engines (no actors) over a store written by
// store_bytes from a gen_dataset.py dataset: median and p99 latency of
//   - one series over 24 h,
//   - 10 k series (the counter family `x`) over 1 h,
//   - label values of `instance` over the whole range,
// and, in a head of its own with 1 M series, a regex matcher selecting
// 1 % of them. Run it after bench/compare_disk.sh (docs/benchmarks.md).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "storage/head/head.hpp"
#include "storage/shard/shard_engine.hpp"

using namespace vigil;

namespace {

using clock_type = std::chrono::steady_clock;

void report(const char* what, int runs, const std::function<size_t()>& fn) {
  std::vector<double> ms;
  size_t result = 0;
  for (int i = 0; i < runs; ++i) {
    const auto start = clock_type::now();
    result = fn();
    ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  const double p99 = ms[std::min(ms.size() - 1, static_cast<size_t>(0.99 * ms.size()))];
  std::printf("%-46s median %9.3f ms  p99 %9.3f ms  (%zu results, %d runs)\n", what,
              ms[ms.size() / 2], p99, result, runs);
}

index::matcher match(index::match_op op, const char* name, const char* value) {
  return *index::matcher::make(op, name, value);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: select_latency STORE_DIR [--shards N] [--runs R]\n");
    return 2;
  }
  const std::string store = argv[1];
  int shards = 2, runs = 20;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::string{argv[i]} == "--shards") shards = std::stoi(argv[i + 1]);
    if (std::string{argv[i]} == "--runs") runs = std::stoi(argv[i + 1]);
  }
  std::vector<std::unique_ptr<shard_engine>> engines;
  for (int i = 0; i < shards; ++i) {
    shard_options opts;
    opts.dir = store + "/shard-" + std::to_string(i);
    auto e = shard_engine::open(posix_file_system(), opts);
    if (!e) {
      std::fprintf(stderr, "%s\n", to_string(e.error_value()).c_str());
      return 1;
    }
    engines.push_back(std::move(*e));
  }
  // The newest sample: the dataset's end (blocks hold it; the head is empty).
  timestamp max_t = 0;
  for (auto& e : engines) {
    auto last = e->persisted().last_times(raw_tier);
    for (auto& [id, t] : *last) max_t = std::max(max_t, t);
  }
  constexpr timestamp hour = 3600 * 1000;
  auto select_all = [&](std::vector<index::matcher> ms, timestamp from, timestamp to) {
    size_t samples = 0;
    for (auto& e : engines) {
      auto got = e->select(ms, from, to);
      if (!got) std::abort();
      for (auto& s : *got) samples += s.samples.size();
    }
    return samples;
  };
  using enum index::match_op;
  report("1 series x 24 h (samples)", runs, [&] {
    return select_all({match(equal, "__name__", "x"), match(equal, "instance", "host7:9100"),
                       match(equal, "job", "job0")},
                      max_t - 24 * hour, max_t);
  });
  report("10 k series x 1 h (samples)", runs,
         [&] { return select_all({match(equal, "__name__", "x")}, max_t - hour, max_t); });
  report("label values of instance, whole range", runs, [&] {
    size_t n = 0;
    for (auto& e : engines) n += e->label_values("instance", {}, 0, max_t)->size();
    return n;
  });

  head::head h{head::head_options{}};
  for (int i = 0; i < 1'000'000; ++i)
    (void)h.get_or_create(*labels::from({{"__name__", "m"},
                                         {"instance", "host-" + std::to_string(i) + ":9100"},
                                         {"job", "job-" + std::to_string(i % 100)}}));
  std::vector<index::matcher> pattern{match(regex, "instance", "host-1[0-9]{4}:.*")};
  report("regex matcher over 1 M series (series)", runs, [&] { return h.select(pattern).size(); });
  return 0;
}
