#pragma once

// Rollups: raw samples summarised per fixed window (1 minute, 1 hour) so
// that old data stays queryable at a fraction of the cost. A window keeps
// count, sum, min, max, last and a counter-reset-aware increase; from those
// avg/min/max/sum/count/last_over_time and rate/increase over ranges made
// of whole windows equal the raw computation at that resolution.
//
// Windows are aligned to multiples of the resolution since the epoch and
// labelled by their end: a point at T covers samples with t in (T - res, T],
// matching PromQL's left-open ranges. Staleness markers are not values and
// are skipped. The increase of a window includes the step from the last
// sample before it (if known), so increases of adjacent windows add up to
// the increase over their union.
//
// Stateless functions; thread-safe.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "storage/base/duration.hpp"
#include "storage/base/expected.hpp"
#include "storage/base/sample.hpp"

namespace vigil::rollup {

struct point {
  timestamp t = 0;  ///< window end (inclusive)
  uint64_t count = 0;
  double sum = 0;
  double min = 0;
  double max = 0;
  double last = 0;
  double increase = 0;   ///< counter increase, resets handled as in PromQL
  timestamp last_t = 0;  ///< timestamp of `last`, for lookback

  friend bool operator==(const point&, const point&) = default;
};

/// The end of the window that holds `t`.
[[nodiscard]] timestamp window_end(timestamp t, duration resolution);

/// Summarises time-ordered `samples` into windows of `resolution`. `before`
/// is the last sample preceding them (for the first window's increase).
[[nodiscard]] std::vector<point> aggregate(std::span<const sample> samples, duration resolution,
                                           std::optional<sample> before = std::nullopt);

/// Merges time-ordered finer points (e.g. 1m) into coarser windows (1h).
/// `resolution` must be a multiple of the finer one.
[[nodiscard]] std::vector<point> coarsen(std::span<const point> finer, duration resolution);

/// Encodes points as a block for the catalog (storage/rollup/format in
/// storage/chunk/format.md): one codec block per column.
[[nodiscard]] std::vector<uint8_t> encode_points(std::span<const point> points);
[[nodiscard]] expected<std::vector<point>> decode_points(std::span<const uint8_t> block);

}  // namespace vigil::rollup
