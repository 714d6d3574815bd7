#pragma once

// A cache of range-query results over step-aligned windows, as
// VictoriaMetrics's rollup result cache and Thanos's query frontend keep
// one. Dashboards re-ask the same queries with the window moved by a few
// seconds; the cache answers the steps it holds and evaluates only the
// rest (usually the newest few steps), then keeps the union.
//
// Correctness while data arrives: an entry is keyed by the printed query,
// its step and the step's phase (start mod step), and holds the results of
// a contiguous run of steps, never one newer than `freshness` before the
// evaluation's wall-clock time. The value at T depends only on samples at
// or before T (queries with `@` or a negative offset look elsewhere and
// are not cached), so the newest steps, where scrapes and pushes still
// land, are always evaluated afresh. Samples older than that (backfill,
// a lagging remote-write sender) are reported by the storage through
// note_write(), which drops every entry they may have changed and keeps
// queries already under way from storing what they read before.
//
// Memory is bounded: entries are evicted least recently used first once
// their estimated size passes `max_bytes`; an entry bigger than an eighth
// of it is not kept. Thread-safe; evaluation runs outside the lock.

#include <atomic>
#include <limits>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "rules/promql/engine.hpp"
#include "storage/base/metrics.hpp"

namespace vigil::promql {

struct range_cache_options {
  size_t max_bytes = size_t{128} << 20;  ///< 0: caching off
  /// Steps newer than this before the wall clock are never kept.
  duration freshness = std::chrono::minutes{5};
};

/// Whether a query's range results may be cached: no `@` modifier, no
/// negative or computed offset and no computed k of topk, bottomk or limitk
/// anywhere in it.
[[nodiscard]] bool cacheable(const expr& e);

class range_cache {
 public:
  /// Registers the vigil_query_cache_* series in `registry` when given.
  explicit range_cache(range_cache_options options, metrics::registry* registry = nullptr);
  ~range_cache();
  range_cache(const range_cache&) = delete;
  range_cache& operator=(const range_cache&) = delete;

  /// engine.eval_range(q, e, start, end, step, limits, notes), answered
  /// from the cache where it holds the steps; `now` is the wall clock.
  [[nodiscard]] expected<matrix_value> eval_range(const engine& eng, queryable& q, const expr& e,
                                                  timestamp start, timestamp end, duration step,
                                                  timestamp now, const query_limits& limits = {},
                                                  annotations* notes = nullptr);

  /// The storage accepted samples as old as `oldest` at wall-clock time
  /// `now`. Cheap when `oldest` is within the freshness window.
  void note_write(timestamp oldest, timestamp now);

  /// How requests were answered and what is held; the same numbers as
  /// the vigil_query_cache_* series.
  struct counts {
    uint64_t hits = 0;           ///< every step from the cache
    uint64_t partial = 0;        ///< some steps from the cache
    uint64_t misses = 0;         ///< every step evaluated
    uint64_t uncacheable = 0;    ///< not cacheable (see cacheable()), or caching off
    uint64_t evictions = 0;      ///< entries dropped for space
    uint64_t invalidations = 0;  ///< entries dropped by note_write()
    uint64_t entries = 0;
    uint64_t bytes = 0;
  };
  [[nodiscard]] counts read() const;

 private:
  struct entry;
  struct slot;
  using slot_map = std::unordered_map<std::string, slot>;

  /// Keeps `fresh` under `key` unless note_write() ran since `generation`
  /// was read, then evicts down to max_bytes.
  void store(const std::string& key, std::shared_ptr<entry> fresh, uint64_t generation);
  void erase(slot_map::iterator it);
  /// Sets the entries and bytes gauges; under the lock.
  void publish_size();

  range_cache_options options_;
  std::unique_ptr<metrics::registry> own_registry_;  // when the caller gives none
  metrics::registry& registry_;
  metrics::family<metrics::counter>& requests_;
  metrics::counter& hits_;
  metrics::counter& partial_;
  metrics::counter& misses_;
  metrics::counter& uncacheable_;
  metrics::counter& evictions_;
  metrics::counter& invalidations_;
  metrics::gauge& entries_gauge_;
  metrics::gauge& bytes_gauge_;

  mutable std::mutex mutex_;
  slot_map entries_;
  std::list<std::string> recency_;  // keys, most recently used first
  size_t bytes_ = 0;
  /// The newest step any entry holds: writes newer than it change nothing.
  timestamp newest_held_ = std::numeric_limits<timestamp>::min();
  /// Bumped (under the lock) by every note_write() that may touch a
  /// cacheable step, so a query that read before it does not store what it
  /// read; read without the lock when a query starts.
  std::atomic<uint64_t> generation_{0};
};

}  // namespace vigil::promql
