// shard_append [SERIES] [ROUNDS] [DIR] [--shards N] [--refs]
//
// In-process write path of the shard engines (head + WAL with batched
// fsync, no actors): SERIES series, spread over N shards by label hash, get
// one sample per round, written in batches of 1,000 series as the router
// sends them, one thread per shard. With --refs, rounds after the first
// name series by the refs the first returned (what the scrape and
// connection caches do) instead of by labels. Prints samples/s and the
// process's resident memory per active series after the run, then the cost
// of persisting the chunks the rounds cut (one per series every 120 rounds).

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "storage/shard/shard_engine.hpp"

using namespace vigil;

namespace {

double rss_bytes() {
  std::ifstream in{"/proc/self/statm"};
  double pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * 4096;
}

struct shard {
  std::unique_ptr<shard_engine> engine;
  std::vector<std::vector<series_write>> batches;
  uint64_t samples = 0;
  std::optional<error> failure;

  // Round r of every batch; after the first, by ref when `by_ref`.
  void write_round(int r, bool by_ref) {
    const timestamp t = 1'700'000'000'000 + r * 15000;
    for (auto& batch : batches) {
      for (size_t i = 0; i < batch.size(); ++i)
        batch[i].samples = {{t, r * 1.5 + static_cast<double>(i % 7)}};
      auto res = engine->write(batch);
      if (!res) {
        failure = res.error_value();
        return;
      }
      samples += res->accepted;
      if (by_ref && r == 0) {
        for (size_t i = 0; i < batch.size(); ++i) {
          batch[i].ref = res->refs[i];
          batch[i].label_hash = batch[i].ls.hash();
          batch[i].ls = {};
        }
      }
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args;
  bool by_ref = false;
  size_t shards = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--refs") == 0)
      by_ref = true;
    else if (std::strcmp(argv[i], "--shards") == 0 && i + 1 < argc)
      shards = std::stoul(argv[++i]);
    else
      args.emplace_back(argv[i]);
  }
  const int series = args.size() > 0 ? std::stoi(args[0]) : 200000;
  const int rounds = args.size() > 1 ? std::stoi(args[1]) : 60;
  const std::string dir = args.size() > 2 ? args[2] : "/tmp/vigil-shard-append";
  constexpr size_t batch_size = 1000;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::vector<shard> parts(shards);
  for (size_t i = 0; i < shards; ++i) {
    shard_options opts;
    opts.dir = dir + "/shard-" + std::to_string(i);
    opts.wal.sync = wal::sync_mode::batch;
    auto engine = shard_engine::open(posix_file_system(), opts);
    if (!engine) {
      std::fprintf(stderr, "%s\n", to_string(engine.error_value()).c_str());
      return 1;
    }
    parts[i].engine = std::move(*engine);
  }
  for (int n = 0; n < series; ++n) {
    auto ls = *labels::from({{"__name__", "node_cpu_seconds_total"},
                             {"instance", "host-" + std::to_string(n / 100) + ":9100"},
                             {"job", "node"},
                             {"cpu", std::to_string(n % 100)}});
    auto& batches = parts[ls.hash() % shards].batches;
    if (batches.empty() || batches.back().size() == batch_size) batches.emplace_back();
    batches.back().push_back({std::move(ls), {}});
  }
  const double rss_before = rss_bytes();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (auto& p : parts)
    threads.emplace_back([&p, rounds, by_ref] {
      for (int r = 0; r < rounds && !p.failure; ++r) p.write_round(r, by_ref);
      if (!p.failure) p.failure = p.engine->wait_durable(p.engine->wal_durable());
    });
  for (auto& t : threads) t.join();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t samples = 0;
  size_t memory = 0;
  for (auto& p : parts) {
    if (p.failure) {
      std::fprintf(stderr, "%s\n", to_string(*p.failure).c_str());
      return 1;
    }
    samples += p.samples;
    memory += p.engine->memory().memory_bytes();
  }
  const double rss = rss_bytes();
  std::printf("series %d rounds %d shards %zu%s: %llu samples in %.2f s: %.2f M samples/s\n",
              series, rounds, shards, by_ref ? " by ref" : "",
              static_cast<unsigned long long>(samples), secs, samples / secs / 1e6);
  std::printf("rss %.0f MB, %.0f bytes per active series (head's own estimate %.0f)\n", rss / 1e6,
              (rss - rss_before) / series, static_cast<double>(memory) / series);
  size_t chunks = 0;
  const auto persist_start = std::chrono::steady_clock::now();
  for (auto& p : parts) {
    chunks += p.engine->memory().cut_waiting();
    if (auto err = p.engine->persist_cut()) {
      std::fprintf(stderr, "%s\n", to_string(*err).c_str());
      return 1;
    }
  }
  const double persist_secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - persist_start).count();
  if (chunks > 0)
    std::printf("persisted %zu cut chunks in %.3f s: %.2f us per chunk\n", chunks, persist_secs,
                persist_secs * 1e6 / static_cast<double>(chunks));
  for (auto& p : parts) (void)p.engine->close();
  std::filesystem::remove_all(dir);
  return 0;
}
