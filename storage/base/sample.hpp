#pragma once

// A sample is (timestamp, value): milliseconds since the Unix epoch and a
// double. NaN, ±Inf and Prometheus's staleness marker are ordinary values;
// storage keeps their exact bits.

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdint>
#include <vector>

namespace vigil {

using timestamp = int64_t;  ///< milliseconds since the Unix epoch

/// The wall clock as a timestamp. Engines take time as a parameter; their
/// callers read it here.
[[nodiscard]] inline timestamp wall_clock_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct sample {
  timestamp t = 0;
  double v = 0;

  /// Equal when timestamps match and the values have the same bits (so NaN
  /// payloads and -0.0 count).
  friend bool operator==(const sample& a, const sample& b) {
    return a.t == b.t && std::bit_cast<uint64_t>(a.v) == std::bit_cast<uint64_t>(b.v);
  }
};

/// The bits Prometheus writes when a series goes stale (a NaN payload that
/// no arithmetic produces).
inline constexpr uint64_t stale_nan_bits = 0x7ff0000000000002ULL;

[[nodiscard]] inline double stale_marker() {
  return std::bit_cast<double>(stale_nan_bits);
}
[[nodiscard]] inline bool is_stale_marker(double v) {
  return std::bit_cast<uint64_t>(v) == stale_nan_bits;
}

/// Sorts by time and keeps the first sample of each timestamp (merging
/// sources that may overlap; earlier entries win ties).
inline void keep_one_per_timestamp(std::vector<sample>& samples) {
  std::stable_sort(samples.begin(), samples.end(),
                   [](const sample& a, const sample& b) { return a.t < b.t; });
  samples.erase(std::unique(samples.begin(), samples.end(),
                            [](const sample& a, const sample& b) { return a.t == b.t; }),
                samples.end());
}

}  // namespace vigil
