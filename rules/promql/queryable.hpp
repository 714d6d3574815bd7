#pragma once

// The storage read interface of the PromQL engine: `select` returns every
// series matching all matchers with its raw samples in [min_t, max_t],
// oldest first, stale markers included. Two implementations: an adapter over
// a shard_engine, and an in-memory set of series for tests and for
// evaluating against data a caller already holds (rule unit tests).
//
// Implementations need not be thread-safe; the engine calls one at a time.

#include <span>
#include <vector>

#include "storage/base/expected.hpp"
#include "storage/base/labels.hpp"
#include "storage/base/sample.hpp"
#include "storage/index/matcher.hpp"

namespace vigil {
class shard_engine;
}

namespace vigil::promql {

/// A series and its samples in the selected range, oldest first.
struct stored_series {
  labels ls;
  std::vector<sample> samples;
};

/// What the engine reads from.
class queryable {
 public:
  virtual ~queryable() = default;
  /// Series matching every matcher with their samples in [min_t, max_t].
  [[nodiscard]] virtual expected<std::vector<stored_series>> select(
      std::span<const index::matcher> matchers, timestamp min_t, timestamp max_t) = 0;
};

/// Reads raw samples from a shard (rollups are ignored). The shard must
/// outlive the adapter.
class shard_queryable final : public queryable {
 public:
  explicit shard_queryable(shard_engine& shard) : shard_(shard) {}
  [[nodiscard]] expected<std::vector<stored_series>> select(
      std::span<const index::matcher> matchers, timestamp min_t, timestamp max_t) override;

 private:
  shard_engine& shard_;
};

/// Series held in memory, selected by scanning.
class memory_queryable final : public queryable {
 public:
  /// Appends samples (in time order, after any already held) to the series
  /// `ls`, creating it if needed.
  void add(const labels& ls, std::span<const sample> samples);
  /// Forgets every series.
  void clear() { series_.clear(); }
  [[nodiscard]] expected<std::vector<stored_series>> select(
      std::span<const index::matcher> matchers, timestamp min_t, timestamp max_t) override;

 private:
  std::vector<stored_series> series_;
};

}  // namespace vigil::promql
