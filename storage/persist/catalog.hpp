#pragma once

// One shard's persisted data in one SQLite database (WAL journal mode):
//
//   meta(key TEXT PRIMARY KEY, value TEXT)
//   series(id INTEGER PRIMARY KEY, labels BLOB)           label sets by series id
//   chunks(series_id, tier, min_t, max_t, samples, data)  encoded blocks
//
// Tier 0 holds raw samples, tiers 1 and 2 the 1-minute and 1-hour rollups;
// `data` is an encoded block (storage/chunk/format.md). Writes are batched
// into one transaction per call; reads use the database's own snapshot, so
// a separate read connection never waits for the writer.
//
// Not thread-safe: one catalog per thread (open a second one to read).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "storage/base/labels.hpp"
#include "storage/persist/sqlite.hpp"

namespace vigil::persist {

/// The schema version written to meta; opening a newer one is an error.
inline constexpr int64_t schema_version = 2;

struct chunk_record {
  uint64_t series_id = 0;
  uint8_t tier = 0;
  int64_t min_t = 0;
  int64_t max_t = 0;
  uint32_t samples = 0;
  std::vector<uint8_t> data;
};

/// What identifies a block.
struct block_key {
  uint64_t series_id = 0;
  uint8_t tier = 0;
  int64_t min_t = 0;
};

struct series_record {
  uint64_t id = 0;
  labels ls;
};

class catalog {
 public:
  /// Opens or creates the database at `path` with the schema.
  [[nodiscard]] static expected<catalog> open(const std::string& path);

  /// Stores label sets of series (ids already present are left alone).
  [[nodiscard]] std::optional<error> put_series(std::span<const series_record> series);
  /// Stores blocks and deletes the `replaced` ones in one transaction; a
  /// block with the same (series, tier, min_t) replaces the old one, so
  /// re-running an interrupted job is safe.
  [[nodiscard]] std::optional<error> put_chunks(std::span<const chunk_record> chunks,
                                                std::span<const block_key> replaced = {});

  /// Every stored series.
  [[nodiscard]] expected<std::vector<series_record>> all_series();
  /// Blocks of one series and tier overlapping [min_t, max_t], by min_t.
  [[nodiscard]] expected<std::vector<chunk_record>> chunks(uint64_t series_id, uint8_t tier,
                                                           int64_t min_t, int64_t max_t);
  /// Series with blocks of `tier` overlapping [min_t, max_t].
  [[nodiscard]] expected<std::vector<uint64_t>> series_with_blocks(uint8_t tier, int64_t min_t,
                                                                   int64_t max_t);
  /// Each series' newest timestamp in `tier`.
  [[nodiscard]] expected<std::vector<std::pair<uint64_t, int64_t>>> last_times(uint8_t tier);
  /// The earliest min_t of any block of `tier`, if there is one.
  [[nodiscard]] expected<std::optional<int64_t>> first_time(uint8_t tier);
  /// Deletes one series' blocks of `tier` that end before `cutoff`.
  [[nodiscard]] expected<int64_t> delete_series_before(uint64_t series_id, uint8_t tier,
                                                       int64_t cutoff);
  /// Deletes blocks of `tier` that end before `cutoff`; returns how many.
  [[nodiscard]] expected<int64_t> delete_before(uint8_t tier, int64_t cutoff);

  /// Makes every commit so far durable (a full WAL checkpoint with fsync).
  [[nodiscard]] std::optional<error> sync() { return db_.exec("PRAGMA wal_checkpoint(FULL)"); }

  /// A metadata value; nullopt when unset. SQLite errors are errors.
  [[nodiscard]] expected<std::optional<std::string>> meta(const std::string& key);
  /// A metadata value that must be an integer; a malformed one is
  /// errc::corruption naming the key.
  [[nodiscard]] expected<std::optional<int64_t>> meta_int(const std::string& key);
  [[nodiscard]] std::optional<error> set_meta(const std::string& key, const std::string& value);

  /// Bytes of block data per tier and samples per tier.
  struct tier_usage {
    int64_t bytes = 0;
    int64_t samples = 0;
    int64_t blocks = 0;
  };
  [[nodiscard]] expected<std::vector<tier_usage>> usage();

  /// Runs SQLite's quick integrity check (every page, no index
  /// cross-checks); the error names the file and what is damaged.
  [[nodiscard]] std::optional<error> check_integrity();

 private:
  explicit catalog(database db) : db_(std::move(db)) {}

  database db_;
};

/// Binary label-set encoding used in the series table: a uvarint count,
/// then per label uvarint-length-prefixed name and value.
[[nodiscard]] std::vector<uint8_t> encode_labels(const labels& ls);
[[nodiscard]] expected<labels> decode_labels(std::span<const uint8_t> data);

}  // namespace vigil::persist
