#pragma once

// One shard's storage engine: the head in memory, the write-ahead log that
// makes appends durable, and the SQLite catalog of persisted blocks.
//
// Write path: a batch of series writes resolves (or creates) each series
// in the head, appends the samples the head accepts, and writes one WAL
// append holding the new series and the accepted samples. The caller
// acknowledges the batch once the returned WAL position is durable
// (wait_durable / on_durable). Identical retries are ignored by the head,
// so a client that resends an unacknowledged batch stores it exactly once.
//
// Persistence: chunks the head cuts are written to the catalog as tier 0
// blocks as they are (storage/chunk/codec.hpp, wrap_head_chunk), so a burst
// of cuts costs little more than the inserts; maintenance re-encodes them
// compactly when it merges a series' blocks. flush() cuts every open chunk, persists, then
// checkpoints the WAL (the live series only) and deletes the segments it covers.
//
// Open: the catalog is opened, the WAL replayed into the head (series
// records restore series under their ids, samples are re-appended).
//
// Not thread-safe: one shard actor owns an engine; the WAL's durability
// callback runs on its syncer thread.

// GCC 12 takes growing out of the inline buffer for an overread (a false
// positive, reported where the code is inlined).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overread"
#include <boost/container/small_vector.hpp>
#pragma GCC diagnostic pop
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "storage/base/file_system.hpp"
#include "storage/head/head.hpp"
#include "storage/persist/catalog.hpp"
#include "storage/rollup/rollup.hpp"
#include "storage/wal/records.hpp"
#include "storage/wal/wal.hpp"

namespace vigil {

/// How long each tier keeps data.
struct tier_retention {
  duration raw = std::chrono::hours{7 * 24};
  duration rollup_1m = std::chrono::hours{30 * 24};
  duration rollup_1h = std::chrono::hours{365 * 24};
};

/// Series matching every matcher keep their data this long instead (the
/// first matching rule wins).
struct retention_rule {
  std::vector<index::matcher> selector;
  tier_retention keep;
};

struct shard_options {
  std::string dir;  ///< holds wal/ and shard.db
  head::head_options head;
  wal::options wal;
  tier_retention retention;
  std::vector<retention_rule> retention_rules;
  /// Raw data older than this is persisted and final: rollups cover it.
  duration rollup_delay = std::chrono::hours{3};
  /// Maintenance merges a series' final raw blocks within aligned windows
  /// of this length into one block: fewer rows, better compression. (The
  /// rollup tiers' blocks are merged per day and per week.)
  duration block_span = std::chrono::hours{6};
  /// How often maintenance flushes and checkpoints the WAL, bounding its
  /// size and the replay at start.
  duration checkpoint_interval = std::chrono::hours{1};
};

/// What one maintenance pass did.
struct maintenance_report {
  uint64_t points_1m = 0;      ///< minute rollup points written
  uint64_t points_1h = 0;      ///< hour rollup points written
  uint64_t blocks_merged = 0;  ///< blocks merged into larger ones (every tier)
  int64_t blocks_deleted = 0;
};

/// Timestamps a shard stores: ±2^62 ms (146 million years) leaves room for
/// window arithmetic without overflow.
inline constexpr timestamp max_time = timestamp{1} << 62;
inline constexpr timestamp min_time = -max_time;

/// Storage tiers in the catalog.
enum tier : uint8_t { raw_tier = 0, minute_tier = 1, hour_tier = 2 };

/// One series' samples in a write batch. A writer that stored the series
/// before may name it by the ref an earlier write_result returned and the
/// hash of its labels (labels::hash()) instead of its labels: the shard
/// then skips hashing and looking them up (the scrape and connection
/// caches). A ref the shard does not hold under that hash is refused as
/// `unknown_series`; the writer resends with labels.
struct series_write {
  /// Most writes (every scraped series) carry one sample: kept inline, it
  /// costs no allocation.
  using sample_list = boost::container::small_vector<sample, 1>;

  labels ls;            ///< empty when `ref` is set
  sample_list samples;  ///< in time order
  uint32_t ref = no_ref;
  uint64_t label_hash = 0;  ///< with `ref`

  static constexpr uint32_t no_ref = UINT32_MAX;
};

/// Why (part of) one series of a batch was not stored.
struct write_issue {
  size_t series_index = 0;
  std::string code;  ///< out_of_order, duplicate, limit_exceeded, out_of_bounds, unknown_series
  std::string message;
};

struct write_result {
  uint64_t accepted = 0;  ///< samples stored
  std::vector<write_issue> issues;
  /// Each series' ref in this shard, by batch index (series_write::no_ref
  /// where the series could not be stored); refs are never reused.
  std::vector<uint32_t> refs;
  uint64_t wal_position = 0;  ///< durable once the WAL reaches it
  /// The oldest timestamp among the samples stored (max_time: none), so
  /// caches of query results learn of writes into the past.
  timestamp oldest_accepted = max_time;
};

/// A selected series with its data in the requested range, oldest first:
/// hour rollup points, then minute rollup points, then raw samples. The
/// three parts cover disjoint, consecutive stretches of time: a rollup
/// point at T stands for the raw samples in (T - resolution, T].
struct series_data {
  labels ls;
  std::vector<sample> samples;
  std::vector<rollup::point> minutes;
  std::vector<rollup::point> hours;
};

class shard_engine {
 public:
  /// Opens (or creates) the shard in `opts.dir`. `fs` must outlive it.
  /// Replay issues (a truncated tail, skipped corruption) are in replayed().
  [[nodiscard]] static expected<std::unique_ptr<shard_engine>> open(file_system& fs,
                                                                    shard_options opts);

  /// Stores a batch; see the file comment for durability.
  [[nodiscard]] expected<write_result> write(std::span<const series_write> batch);

  /// Blocks until the WAL is durable up to `position`.
  [[nodiscard]] std::optional<error> wait_durable(uint64_t position) {
    return wal_->wait_durable(position);
  }
  /// The highest WAL position known durable.
  [[nodiscard]] uint64_t wal_durable() const { return wal_->durable_position(); }
  /// Calls `fn(durable_position)` on the WAL's syncer thread as durability advances.
  void on_durable(std::function<void(uint64_t)> fn) { wal_->on_durable(std::move(fn)); }

  /// Persists up to `max_chunks` of the chunks the head has cut, oldest
  /// first (memory().cut_waiting() tells how many wait).
  [[nodiscard]] std::optional<error> persist_cut(size_t max_chunks = SIZE_MAX);
  /// Cuts every open chunk, persists everything and checkpoints the WAL.
  [[nodiscard]] std::optional<error> flush();

  /// Every `checkpoint_interval` flushes (bounding the WAL), then merges
  /// final raw blocks into `block_span` windows, builds minute and hour rollups of the data older
  /// than `rollup_delay` and deletes what is past its tier's retention (per-metric rules win),
  /// never deleting a tier's data before the next tier has rolled it up.
  /// Progress is kept in the catalog; a pass interrupted anywhere is redone
  /// without double counting.
  [[nodiscard]] expected<maintenance_report> maintain(timestamp now);

  /// Series matching `matchers` with their data in [min_t, max_t], merged
  /// from the catalog and the head. Raw samples are returned wherever they
  /// still exist; older stretches come from the rollup tiers that kept
  /// them. A reader that works at `resolution` (a query step of a minute
  /// or an hour, say) gets rollups of that resolution instead wherever they
  /// have been built, which reads far less.
  [[nodiscard]] expected<std::vector<series_data>> select(std::span<const index::matcher> matchers,
                                                          timestamp min_t, timestamp max_t,
                                                          duration resolution = duration{0});

  /// Label sets of the series matching `matchers` that have data in
  /// [min_t, max_t] (/api/v1/series), by series ref; same granularity as
  /// label_names.
  [[nodiscard]] expected<std::vector<labels>> series(std::span<const index::matcher> matchers,
                                                     timestamp min_t, timestamp max_t);
  /// Label names (sorted) of series matching `matchers` that have data in
  /// [min_t, max_t]; block granularity, as in Prometheus: a series counts
  /// when any of its stored blocks or in-memory samples overlaps the range.
  [[nodiscard]] expected<std::vector<std::string>> label_names(
      std::span<const index::matcher> matchers, timestamp min_t, timestamp max_t);
  /// Values (sorted) of label `name` among those series.
  [[nodiscard]] expected<std::vector<std::string>> label_values(
      std::string_view name, std::span<const index::matcher> matchers, timestamp min_t,
      timestamp max_t);

  [[nodiscard]] const head::head& memory() const { return head_; }
  [[nodiscard]] const wal::replay_report& replayed() const { return wal_->replayed(); }
  /// Damage found while opening that was worked around (a database that
  /// could not be opened is moved aside and started afresh).
  [[nodiscard]] const std::vector<std::string>& startup_issues() const { return startup_issues_; }
  [[nodiscard]] persist::catalog& persisted() { return *catalog_; }

  /// Closes the WAL (remaining data is synced).
  [[nodiscard]] std::optional<error> close() { return wal_->close(); }

 private:
  explicit shard_engine(shard_options opts) : opts_(std::move(opts)), head_(opts_.head) {}

  [[nodiscard]] std::optional<error> replay_record(const wal::replayed_record& r);
  // The head's series for a write: by its ref, or by its labels (created
  // when new and recorded for the WAL). not_found: a stale ref.
  [[nodiscard]] expected<head::series_ref> resolve(const series_write& w);
  [[nodiscard]] std::optional<error> persist(std::vector<head::cut_chunk> chunks);
  [[nodiscard]] expected<uint64_t> roll_up(tier target, timestamp through);
  [[nodiscard]] expected<uint64_t> compact(tier t, timestamp through);
  [[nodiscard]] expected<std::vector<sample>> raw_samples(uint64_t series, timestamp min_t,
                                                          timestamp max_t);
  [[nodiscard]] expected<std::vector<rollup::point>> rollup_points(uint64_t series, tier t,
                                                                   timestamp min_t,
                                                                   timestamp max_t);
  struct tier_bounds;
  [[nodiscard]] expected<tier_bounds> read_bounds(duration resolution);
  [[nodiscard]] const tier_retention& retention_of(const labels& ls) const;
  [[nodiscard]] expected<index::postings> series_in_range(std::span<const index::matcher> matchers,
                                                          timestamp min_t, timestamp max_t);
  [[nodiscard]] expected<int64_t> apply_retention(timestamp now);

  std::unique_ptr<file_lock> lock_;  // first: released after everything else
  shard_options opts_;
  head::head head_;
  std::unique_ptr<persist::catalog> catalog_;
  std::unique_ptr<wal::write_ahead_log> wal_;
  uint32_t last_checkpoint_ = 0;  // segment the newest checkpoint covers
  std::vector<std::string> startup_issues_;
  uint64_t replay_dropped_ = 0;
  std::vector<bool> cataloged_;                    // by ref: series known to be in the catalog
  std::optional<timestamp> last_checkpoint_time_;  // by maintain()'s clock
  // Reused between writes to avoid allocating per batch.
  std::vector<wal::series_entry> new_series_;
  std::vector<wal::sample_entry> accepted_;
  std::string series_payload_, samples_payload_;
  // Decode buffers of replay.
  std::vector<wal::series_entry> replay_series_;
  std::vector<wal::sample_entry> replay_samples_;
};

}  // namespace vigil
