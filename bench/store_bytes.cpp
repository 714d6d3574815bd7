// store_bytes: bytes per sample of a whole vigil store on disk (SQLite
// catalogs with blocks, series and indexes; the WAL checkpointed away) after
// loading a gen_dataset.py dataset through the shard engines' write path.
// bench/compare_disk.sh runs it beside Prometheus and VictoriaMetrics on the
// same data.
//
//   store_bytes DATASET_DIR OUT_DIR [--shards N] [--serve]
//
// --serve stops once maintenance has run, leaving OUT_DIR as vigild's data
// directory would be after it (rollups kept, no VACUUM), for benchmarks that
// query it (bench/compare_query.py).

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "bench/dataset.hpp"
#include "storage/persist/sqlite.hpp"
#include "storage/shard/shard_engine.hpp"

namespace {

using namespace vigil;
using namespace std::chrono_literals;

uint64_t bytes_under(const std::filesystem::path& dir) {
  uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) total += e.file_size();
  return total;
}

int fail(const error& e) {
  std::cerr << to_string(e) << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  size_t shards = 2;
  bool serve = false;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--shards" && i + 1 < argc)
      shards = std::stoul(argv[++i]);
    else if (arg == "--serve")
      serve = true;
    else
      paths.push_back(arg);
  }
  if (paths.size() != 2 || shards == 0) {
    std::cerr << "usage: store_bytes DATASET_DIR OUT_DIR [--shards N] [--serve]\n";
    return 2;
  }
  const std::string dataset = paths[0], out = paths[1];
  std::filesystem::remove_all(out);
  std::filesystem::create_directories(out);
  std::vector<std::unique_ptr<shard_engine>> engines;
  for (size_t i = 0; i < shards; ++i) {
    shard_options opts;
    opts.dir = out + "/shard-" + std::to_string(i);
    opts.wal.sync = wal::sync_mode::never;
    auto e = shard_engine::open(posix_file_system(), std::move(opts));
    if (!e) return fail(e.error_value());
    engines.push_back(std::move(*e));
  }
  uint64_t samples = 0, series = 0;
  std::optional<error> failure;
  const bool read = bench::for_each_series(dataset, [&](const labels& ls, std::vector<sample>& s) {
    if (failure) return;
    auto& engine = *engines[ls.hash() % shards];
    auto r = engine.write(std::vector<series_write>{{ls, {s.begin(), s.end()}}});
    if (!r) {
      failure = r.error_value();
      return;
    }
    samples += r->accepted;
    if (++series % 256 == 0)
      for (auto& e : engines)
        if (auto err = e->persist_cut()) failure = err;
  });
  if (!read) {
    std::cerr << "cannot read " << dataset << "/data.vm.jsonl\n";
    return 2;
  }
  if (failure) return fail(*failure);
  // Maintenance as it runs in vigild once the data is final: raw blocks
  // merged per window, minute and hour rollups built.
  std::vector<persist::catalog::tier_usage> tiers(3);
  for (auto& e : engines) {
    if (auto err = e->flush()) return fail(*err);
    auto report = e->maintain(e->memory().stats().max_t + std::chrono::milliseconds{24h}.count());
    if (!report) return fail(report.error_value());
    if (auto err = e->flush()) return fail(*err);
    auto usage = e->persisted().usage();
    if (!usage) return fail(usage.error_value());
    for (size_t t = 0; t < usage->size() && t < tiers.size(); ++t) {
      tiers[t].bytes += (*usage)[t].bytes;
      tiers[t].blocks += (*usage)[t].blocks;
      tiers[t].samples += (*usage)[t].samples;
    }
    if (auto err = e->close()) return fail(*err);
  }
  engines.clear();
  std::printf("series %llu, samples %llu\n", (unsigned long long)series,
              (unsigned long long)samples);
  if (serve) return 0;
  // Pages freed by merged blocks are reused by later writes; count what a
  // store in steady state holds: once whole, once with raw data only (what
  // the peers hold).
  const auto vacuum = [&](const char* sql) -> std::optional<error> {
    for (size_t i = 0; i < shards; ++i) {
      auto db = persist::database::open(out + "/shard-" + std::to_string(i) + "/shard.db");
      if (!db) return db.error_value();
      if (auto err = db->exec(sql)) return err;
    }
    return std::nullopt;
  };
  if (auto err = vacuum("VACUUM")) return fail(*err);
  const uint64_t total = bytes_under(out);
  if (auto err = vacuum("DELETE FROM chunks WHERE tier > 0; VACUUM")) return fail(*err);
  const uint64_t raw_only = bytes_under(out);
  const auto per_sample = [&](double bytes) { return bytes / double(samples); };
  const char* names[] = {"raw blocks", "minute rollups", "hour rollups"};
  for (size_t t = 0; t < tiers.size(); ++t)
    std::printf("%-15s %8lld blocks %12lld bytes  %.3f bytes/sample\n", names[t],
                (long long)tiers[t].blocks, (long long)tiers[t].bytes, per_sample(tiers[t].bytes));
  std::printf("store on disk   %12llu bytes  %.3f bytes/sample\n", (unsigned long long)total,
              per_sample(double(total)));
  std::printf("raw data only   %12llu bytes  %.3f bytes/sample\n", (unsigned long long)raw_only,
              per_sample(double(raw_only)));
  return 0;
}
