#pragma once

// Shared by the WAL tests: a temporary directory, record builders and a
// replay that collects everything.

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "storage/base/file_system.hpp"
#include "storage/wal/records.hpp"
#include "storage/wal/replay.hpp"
#include "storage/wal/segments.hpp"
#include "storage/wal/writer.hpp"
#include "tests/support/temp_dir.hpp"

namespace vigil::wal::test {

/// A fresh directory, removed with its contents (shared test support).
using temp_dir = vigil::test::temp_dir;

/// A record as replay delivered it, owning its payload.
struct collected {
  uint8_t type = 0;
  std::string payload;
  uint32_t segment = 0;
  bool from_checkpoint = false;
  friend bool operator==(const collected&, const collected&) = default;
};

/// The payloads of `records`, in order.
inline std::vector<std::string> payloads_of(const std::vector<collected>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.payload);
  return out;
}

/// Everything a replay delivered, and its report.
struct replay_result {
  std::vector<collected> records;
  replay_report report;
  [[nodiscard]] std::vector<std::string> payloads() const { return payloads_of(records); }
};

/// A handler appending to `out`.
inline replay_handler collect_into(std::vector<collected>& out) {
  return [&out](const replayed_record& r) -> std::optional<error> {
    out.push_back({r.type, std::string{r.payload}, r.segment, r.from_checkpoint});
    return std::nullopt;
  };
}

/// Replays `dir` with the POSIX file system; fails the test on error.
inline replay_result replay_all(const std::string& dir) {
  replay_result result;
  auto report = replay(posix_file_system(), dir, collect_into(result.records));
  if (!report) FAIL(to_string(report.error_value()));
  result.report = std::move(*report);
  return result;
}

/// A deterministic payload of `size` bytes that differs per `seed`.
inline std::string payload_of(uint32_t seed, size_t size) {
  std::string s(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (auto& c : s) {
    x = x * 1103515245u + 12345u;
    c = char(x >> 24);
  }
  return s;
}

/// An encoded samples record of `n` samples of series `id`.
inline std::string samples_payload(series_id id, size_t n, timestamp t0 = 1'700'000'000'000) {
  std::vector<sample_entry> entries;
  for (size_t i = 0; i < n; ++i)
    entries.push_back({id + i % 7, t0 + timestamp(i) * 15'000, double(i)});
  std::string out;
  encode_samples(entries, out);
  return out;
}

/// The size of the file at `path`.
inline uint64_t size_of(const std::string& path) {
  return std::filesystem::file_size(path);
}

/// The path of segment `n` in `dir`.
inline std::string segment_path(const std::string& dir, uint32_t n) {
  return join_path(dir, segment_name(n));
}

/// Options for tests: small segments, the given mode.
inline options test_options(sync_mode mode, uint64_t segment_size = 64 << 10) {
  options opts;
  opts.segment_size = segment_size;
  opts.sync = mode;
  opts.batch_interval = std::chrono::milliseconds(5);
  return opts;
}

}  // namespace vigil::wal::test
