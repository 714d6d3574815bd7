// WAL append throughput in samples/s: records of 1000 samples (a scrape's
// batch for one shard), per sync mode, from one and several threads, on the
// POSIX file system in a fresh directory under $TMPDIR (default /tmp).
//
//   bench/wal_append --benchmark_counters_tabular=true
//
// "items_per_second" is samples/s. BM_append appends pre-encoded records
// (the WAL alone); BM_encode_append includes encoding the samples record,
// as the head does on its write path.

#include <benchmark/benchmark.h>
#include <stdlib.h>  // mkdtemp

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "storage/base/crc32c.hpp"
#include "storage/wal/records.hpp"
#include "storage/wal/wal.hpp"

using namespace vigil;
using namespace vigil::wal;

namespace {

constexpr int samples_per_record = 1000;

std::vector<sample_entry> scrape_batch(uint64_t round) {
  std::vector<sample_entry> out;
  out.reserve(samples_per_record);
  for (int i = 0; i < samples_per_record; ++i)
    out.push_back({1000 + uint64_t(i), timestamp(1'700'000'000'000 + round * 15'000),
                   double(round * 7 + uint64_t(i)) * 0.25});
  return out;
}

// One log shared by the benchmark's threads; thread 0 opens it before the
// timed loop and removes it after (the loop start and end are barriers).
struct shared_log {
  std::string dir;
  std::unique_ptr<write_ahead_log> log;
};
shared_log* current = nullptr;

void open_shared(sync_mode mode) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "vigil-wal-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  options opts;
  opts.sync = mode;
  opts.batch_interval = std::chrono::milliseconds(10);
  auto log = write_ahead_log::open(posix_file_system(), pattern, opts,
                                   [](const replayed_record&) { return std::optional<error>{}; });
  if (!log) std::abort();
  current = new shared_log{pattern, std::move(*log)};
}

void close_shared(benchmark::State& state) {
  if (current->log->close()) state.SkipWithError("close failed");
  std::filesystem::remove_all(current->dir);
  delete current;
  current = nullptr;
}

void report(benchmark::State& state, uint64_t bytes) {
  state.SetItemsProcessed(int64_t(state.iterations()) * samples_per_record);
  state.SetBytesProcessed(int64_t(bytes));
}

void BM_append(benchmark::State& state) {
  const auto mode = sync_mode(state.range(0));
  if (state.thread_index() == 0) open_shared(mode);
  std::string payload;
  encode_samples(scrape_batch(uint64_t(state.thread_index())), payload);
  uint64_t last = 0;
  for (auto _ : state) {
    auto pos = current->log->append({uint8_t(record_type::samples), payload});
    if (!pos) {
      state.SkipWithError("append failed");
      break;
    }
    last = *pos;
  }
  // Count the tail's durability in batch mode, so every mode is measured
  // to the point where the data is on disk.
  if (mode == sync_mode::batch && current->log->wait_durable(last)) state.SkipWithError("sync");
  report(state, state.iterations() * (payload.size() + record_header_size));
  if (state.thread_index() == 0) close_shared(state);
}

void BM_encode_append(benchmark::State& state) {
  const auto mode = sync_mode(state.range(0));
  if (state.thread_index() == 0) open_shared(mode);
  std::string payload;
  uint64_t round = 0, bytes = 0, last = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto batch = scrape_batch(round++);  // the head already has its samples
    state.ResumeTiming();
    payload.clear();
    encode_samples(batch, payload);
    auto pos = current->log->append({uint8_t(record_type::samples), payload});
    if (!pos) {
      state.SkipWithError("append failed");
      break;
    }
    last = *pos;
    bytes += payload.size();
  }
  if (mode == sync_mode::batch && current->log->wait_durable(last)) state.SkipWithError("sync");
  report(state, bytes);
  if (state.thread_index() == 0) close_shared(state);
}

void BM_encode_samples(benchmark::State& state) {
  auto batch = scrape_batch(1);
  std::string payload;
  for (auto _ : state) {
    payload.clear();
    encode_samples(batch, payload);
    benchmark::DoNotOptimize(payload.data());
  }
  report(state, state.iterations() * payload.size());
}

void BM_crc32c(benchmark::State& state) {
  std::string data(size_t(state.range(0)), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(crc32c::value(data));
  state.SetBytesProcessed(int64_t(state.iterations()) * state.range(0));
  state.SetLabel(crc32c::hardware_accelerated() ? "sse4.2" : "table");
}

void modes(benchmark::internal::Benchmark* b) {
  b->ArgName("mode");  // 0 always, 1 batch, 2 never
  for (auto m : {sync_mode::always, sync_mode::batch, sync_mode::never}) b->Arg(int64_t(m));
}

}  // namespace

BENCHMARK(BM_append)->Apply(modes)->Threads(1)->Threads(4)->UseRealTime();
BENCHMARK(BM_encode_append)->Apply(modes)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_encode_samples)->UseRealTime();
BENCHMARK(BM_crc32c)->Arg(12 << 10)->UseRealTime();

BENCHMARK_MAIN();
