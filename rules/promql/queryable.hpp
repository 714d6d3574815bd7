#pragma once

// The storage read interface of the PromQL engine: `select` returns every
// series matching all matchers with its data in [min_t, max_t], oldest
// first: raw samples (stale markers included) and, where only the rollup
// tiers hold the data or the reader asked for a coarser resolution, hour
// and minute rollup points before them. Two implementations: an adapter
// over a shard_engine, and an in-memory set of raw series for tests and for
// evaluating against data a caller already holds (rule unit tests).
//
// Implementations need not be thread-safe; the engine calls one at a time.

#include <span>
#include <vector>

#include "storage/base/expected.hpp"
#include "storage/base/labels.hpp"
#include "storage/base/sample.hpp"
#include "storage/index/matcher.hpp"
#include "storage/rollup/rollup.hpp"

namespace vigil {
class shard_engine;
}

namespace vigil::promql {

/// The resolutions of the shard's rollup tiers (storage/shard).
inline constexpr duration minute_resolution = std::chrono::minutes{1};
inline constexpr duration hour_resolution = std::chrono::hours{1};

/// A series and its data in the selected range as three disjoint,
/// consecutive stretches, oldest first: hour points, minute points, raw
/// samples. A rollup point at T stands for the raw samples in (T - res, T].
struct stored_series {
  labels ls;
  std::vector<sample> samples;
  std::vector<rollup::point> minutes;
  std::vector<rollup::point> hours;
};

/// What the engine reads from.
class queryable {
 public:
  virtual ~queryable() = default;
  /// Series matching every matcher with their data in [min_t, max_t]. A
  /// reader that works at `resolution` (0: raw) takes rollups of that
  /// resolution wherever they exist (shard_engine::select).
  [[nodiscard]] virtual expected<std::vector<stored_series>> select(
      std::span<const index::matcher> matchers, timestamp min_t, timestamp max_t,
      duration resolution) = 0;
};

/// Reads a shard's raw samples and rollup points. The shard must outlive
/// the adapter.
class shard_queryable final : public queryable {
 public:
  explicit shard_queryable(shard_engine& shard) : shard_(shard) {}
  [[nodiscard]] expected<std::vector<stored_series>> select(
      std::span<const index::matcher> matchers, timestamp min_t, timestamp max_t,
      duration resolution) override;

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
      std::span<const index::matcher> matchers, timestamp min_t, timestamp max_t,
      duration resolution) override;

 private:
  std::vector<stored_series> series_;
};

}  // namespace vigil::promql
