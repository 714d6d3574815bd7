#pragma once

// Sample sets shared by the chunk tests: adversarial doubles, awkward
// timestamp sequences and realistic monitoring series.

#include <bit>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "storage/base/sample.hpp"

namespace vigil::test {

/// Doubles that break naive encoders: NaN payloads, the staleness marker,
/// infinities, signed zeros, denormals, extremes and non-short decimals.
inline std::vector<double> special_doubles() {
  using lim = std::numeric_limits<double>;
  return {0.0,
          -0.0,
          1.0,
          -1.0,
          lim::infinity(),
          -lim::infinity(),
          lim::quiet_NaN(),
          -lim::quiet_NaN(),
          std::bit_cast<double>(uint64_t{0x7ff0000000000001}),  // signalling NaN
          std::bit_cast<double>(uint64_t{0x7fffffffffffffff}),  // NaN, all payload bits
          std::bit_cast<double>(uint64_t{0xfff8000000000123}),  // negative NaN with payload
          stale_marker(),
          lim::denorm_min(),
          -lim::denorm_min(),
          std::bit_cast<double>(uint64_t{0x000fffffffffffff}),  // largest denormal
          lim::min(),
          lim::max(),
          lim::lowest(),
          lim::epsilon(),
          0.1 + 0.2,
          1.0 / 3.0,
          9007199254740993.0,  // 2^53 + 1 rounds to 2^53
          -9007199254740992.0,
          1e300,
          1e-300,
          123.456,
          8.24e9};
}

/// `n` samples from `start` every `step` ms with `values` cycled.
inline std::vector<sample> series(size_t n, timestamp start, timestamp step,
                                  const std::vector<double>& values) {
  std::vector<sample> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back({start + static_cast<timestamp>(i) * step, values[i % values.size()]});
  return out;
}

/// Random bit patterns for both timestamps (ascending by random gaps that
/// may be huge) and values.
inline std::vector<sample> random_bits(std::mt19937_64& rng, size_t n) {
  std::vector<sample> out;
  timestamp t = static_cast<timestamp>(rng() >> 2) - (int64_t{1} << 61);
  for (size_t i = 0; i < n; ++i) {
    t += static_cast<timestamp>(rng() >> (8 + rng() % 56));  // gaps from 0 to 2^56
    out.push_back({t, std::bit_cast<double>(rng())});
  }
  return out;
}

/// Timestamps at the edges of int64, in no particular order.
inline std::vector<timestamp> extreme_timestamps() {
  using lim = std::numeric_limits<timestamp>;
  return {lim::min(),
          lim::max(),
          0,
          -1,
          1,
          lim::min() + 1,
          lim::max() - 1,
          lim::min(),
          lim::max(),
          1700000000000,
          -1700000000000,
          lim::max() / 2,
          lim::min() / 2};
}

/// A scrape-like series: 15 s steps with jitter, and a counter with a reset.
inline std::vector<sample> jittered_counter(std::mt19937_64& rng, size_t n) {
  std::vector<sample> out;
  double v = 1000;
  for (size_t i = 0; i < n; ++i) {
    const auto jitter = static_cast<timestamp>(rng() % 11) - 5;
    v = i == n / 2 ? 3 : v + static_cast<double>(rng() % 1500) / 100;
    out.push_back({1700000000000 + static_cast<timestamp>(i) * 15000 + jitter, v});
  }
  return out;
}

}  // namespace vigil::test
