// shard_append [SERIES] [ROUNDS] [DIR]
//
// In-process write path of one shard (head + WAL with batched fsync, no
// actors): SERIES series get one sample per round, written in batches of
// 1,000 series as the router would send them. Prints samples/s and the
// process's resident memory per active series after the run.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "storage/shard/shard_engine.hpp"

using namespace vigil;

namespace {

double rss_bytes() {
  std::ifstream in{"/proc/self/statm"};
  double pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * 4096;
}

}  // namespace

int main(int argc, char** argv) {
  const int series = argc > 1 ? std::stoi(argv[1]) : 200000;
  const int rounds = argc > 2 ? std::stoi(argv[2]) : 60;
  const std::string dir = argc > 3 ? argv[3] : "/tmp/vigil-shard-append";
  constexpr int batch_size = 1000;
  std::filesystem::remove_all(dir);
  shard_options opts;
  opts.dir = dir;
  opts.wal.sync = wal::sync_mode::batch;
  auto engine = shard_engine::open(posix_file_system(), opts);
  if (!engine) {
    std::fprintf(stderr, "%s\n", to_string(engine.error_value()).c_str());
    return 1;
  }
  std::vector<std::vector<series_write>> batches;
  for (int b = 0; b < series / batch_size; ++b) {
    auto& batch = batches.emplace_back();
    for (int i = 0; i < batch_size; ++i) {
      const int n = b * batch_size + i;
      batch.push_back({*labels::from({{"__name__", "node_cpu_seconds_total"},
                                      {"instance", "host-" + std::to_string(n / 100) + ":9100"},
                                      {"job", "node"},
                                      {"cpu", std::to_string(n % 100)}}),
                       {}});
    }
  }
  const double rss_before = rss_bytes();
  uint64_t samples = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r) {
    const timestamp t = 1'700'000'000'000 + r * 15000;
    for (auto& batch : batches) {
      for (size_t i = 0; i < batch.size(); ++i)
        batch[i].samples = {{t, r * 1.5 + static_cast<double>(i % 7)}};
      auto res = (*engine)->write(batch);
      if (!res) {
        std::fprintf(stderr, "%s\n", to_string(res.error_value()).c_str());
        return 1;
      }
      samples += res->accepted;
    }
  }
  if (auto err = (*engine)->wait_durable((*engine)->wal_durable())) return 1;
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double rss = rss_bytes();
  std::printf("series %d rounds %d samples %llu in %.2f s: %.2f M samples/s\n", series, rounds,
              static_cast<unsigned long long>(samples), secs, samples / secs / 1e6);
  std::printf("rss %.0f MB, %.0f bytes per active series (head's own estimate %.0f)\n", rss / 1e6,
              (rss - rss_before) / series,
              static_cast<double>((*engine)->memory().memory_bytes()) / series);
  (void)(*engine)->close();
  std::filesystem::remove_all(dir);
  return 0;
}
