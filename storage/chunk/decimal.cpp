#include "storage/chunk/decimal.hpp"

#include <array>
#include <bit>
#include <cmath>

namespace vigil::decimal {
namespace {

constexpr std::array<double, max_exponent + 1> powers_of_ten = [] {
  std::array<double, max_exponent + 1> p{};
  double v = 1;
  for (auto& x : p) {
    x = v;
    v *= 10;
  }
  return p;
}();

}  // namespace

double from_mantissa(int64_t m, int e) {
  // Dividing (rather than multiplying by 10^-e, which is inexact) gives the
  // double nearest to the decimal m / 10^e: the same double a parser
  // returns for the decimal's text.
  return static_cast<double>(m) / powers_of_ten[static_cast<size_t>(e)];
}

std::optional<int64_t> to_mantissa(double v, int e) {
  const double scaled = v * powers_of_ten[static_cast<size_t>(e)];
  // Also rejects NaN and ±Inf; rounding may miss a mantissa near the bound,
  // which only costs compactness.
  if (!(std::fabs(scaled) <= static_cast<double>(max_mantissa))) return std::nullopt;
  const auto m = static_cast<int64_t>(std::nearbyint(scaled));
  if (std::bit_cast<uint64_t>(from_mantissa(m, e)) != std::bit_cast<uint64_t>(v))
    return std::nullopt;
  return m;
}

std::optional<int> min_exponent(double v) {
  for (int e = 0; e <= max_exponent; ++e)
    if (to_mantissa(v, e)) return e;
  return std::nullopt;
}

}  // namespace vigil::decimal
