#pragma once

// Floats that were decimals: most monitoring values are printed with a few
// decimal digits (12.5, 0.003, 1.2e9) and parsed back, so they equal
// m / 10^e for a small integer m. Storing m and a shared e turns XOR-hostile
// float bits into small integer deltas. "Equal" means bit-exact: the
// conversion is checked by running the decoder's arithmetic, so -0.0, NaN,
// ±Inf and floats that are not short decimals are simply not decimal.

#include <cstdint>
#include <optional>

namespace vigil::decimal {

/// The largest exponent tried; 10^e must be exact in a double (e <= 22).
inline constexpr int max_exponent = 15;

/// Mantissas stay within ±2^53 so that the conversion to double is exact.
inline constexpr int64_t max_mantissa = int64_t{1} << 53;

/// m / 10^e, as the decoder computes it (a correctly rounded division of
/// two exact doubles). `e` in [0, max_exponent].
[[nodiscard]] double from_mantissa(int64_t m, int e);

/// The mantissa m with from_mantissa(m, e) bit-identical to `v`, if any.
[[nodiscard]] std::optional<int64_t> to_mantissa(double v, int e);

/// The smallest e with a mantissa for `v`, if any.
[[nodiscard]] std::optional<int> min_exponent(double v);

}  // namespace vigil::decimal
