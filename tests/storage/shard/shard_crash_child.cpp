// shard_crash_child DIR SEED
//
// The victim of shard_crash_test.cpp. Opens the shard in DIR (replaying its
// WAL), continues every series after the newest timestamp it holds, prints
// "ready", then writes batches until killed: each batch gives every series
// one sample at the next timestamp. "ack <t>" is printed only once the
// batch is durable. Now and then it persists cut chunks or flushes (which
// checkpoints the WAL), so kills also land in those.

#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>

#include "storage/shard/shard_engine.hpp"

using namespace vigil;

namespace {

constexpr int series_count = 8;

void say(const std::string& line) {
  std::string out = line + "\n";  // one write: atomic on a pipe
  if (::write(STDOUT_FILENO, out.data(), out.size()) != ssize_t(out.size())) std::_Exit(3);
}

[[noreturn]] void die(const error& e) {
  std::fprintf(stderr, "shard_crash_child: %s\n", to_string(e).c_str());
  std::_Exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  shard_options opts;
  opts.dir = argv[1];
  opts.wal.sync = wal::sync_mode::batch;
  opts.wal.batch_interval = std::chrono::milliseconds{2};
  opts.head.chunk_samples = 16;
  std::mt19937 rng(static_cast<uint32_t>(std::stoul(argv[2])));
  auto engine = shard_engine::open(posix_file_system(), opts);
  if (!engine) die(engine.error_value());
  auto& e = **engine;
  std::vector<index::matcher> all;
  auto existing = e.select(all, INT64_MIN, INT64_MAX);
  if (!existing) die(existing.error_value());
  timestamp t = 0;
  for (const auto& s : *existing) t = std::max(t, s.samples.back().t);
  say("ready");
  std::vector<series_write> batch(series_count);
  for (int i = 0; i < series_count; ++i)
    batch[i].ls = *labels::from({{"__name__", "m"}, {"i", std::to_string(i)}});
  while (true) {
    t += 1000;
    for (auto& w : batch) w.samples = {{t, static_cast<double>(t) / 7}};
    auto r = e.write(batch);
    if (!r) die(r.error_value());
    if (auto err = e.wait_durable(r->wal_position)) die(*err);
    say("ack " + std::to_string(t));
    auto dice = rng() % 20;
    if (dice == 0) {
      if (auto err = e.flush()) die(*err);
    } else if (dice < 4) {
      if (auto err = e.persist_cut()) die(*err);
    }
  }
}
