#include "runtime/wire/number.hpp"

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>

namespace vigil::wire {
namespace {

// The parts of a decimal number, as views into the text.
struct decimal {
  bool negative = false;
  std::string_view integer;   // digits before the point
  std::string_view fraction;  // digits after the point
  std::int64_t exponent = 0;  // saturated far beyond any double's range
  bool plain_integer = true;  // no point, no exponent
};

constexpr std::int64_t exponent_limit = 1'000'000;

bool digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

std::string_view digits(std::string_view s, std::size_t& i) noexcept {
  std::size_t start = i;
  while (i < s.size() && digit(s[i])) ++i;
  return s.substr(start, i - start);
}

std::optional<decimal> scan_decimal(std::string_view s) noexcept {
  decimal d;
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) d.negative = s[i++] == '-';
  d.integer = digits(s, i);
  if (i < s.size() && s[i] == '.') {
    ++i;
    d.fraction = digits(s, i);
    d.plain_integer = false;
  }
  if (d.integer.empty() && d.fraction.empty()) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    auto exp = digits(s, i);
    if (exp.empty()) return std::nullopt;
    for (char c : exp) d.exponent = std::min(d.exponent * 10 + (c - '0'), exponent_limit);
    if (negative) d.exponent = -d.exponent;
    d.plain_integer = false;
  }
  if (i != s.size()) return std::nullopt;
  return d;
}

// The decimal exponent of the leading significant digit, plus one: > 0 for
// magnitudes of at least 1. Only its sign matters, to tell overflow from
// underflow; the number has a nonzero digit.
std::int64_t magnitude(const decimal& d) noexcept {
  auto first = d.integer.find_first_not_of('0');
  if (first != std::string_view::npos) return std::int64_t(d.integer.size() - first) + d.exponent;
  return -std::int64_t(d.fraction.find_first_not_of('0')) + d.exponent;
}

bool equal_lower(std::string_view a, std::string_view lower) noexcept {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != lower[i]) return false;
  return true;
}

// Inf, Infinity (signed) and NaN (unsigned), any case.
std::optional<double> special(std::string_view s) noexcept {
  bool negative = false, sign = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    sign = true;
    s.remove_prefix(1);
  }
  if (equal_lower(s, "inf") || equal_lower(s, "infinity"))
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  if (!sign && equal_lower(s, "nan")) return std::numeric_limits<double>::quiet_NaN();
  return std::nullopt;
}

// At most 15 digits are exact in a double: most values take this path.
constexpr std::size_t exact_digits = 15;

error not_a_number() {
  return error{errc::parse_error, "not a number"};
}

}  // namespace

expected<double> parse_float(std::string_view text) {
  auto d = scan_decimal(text);
  if (!d) {
    if (auto s = special(text)) return *s;
    return not_a_number();
  }
  if (d->plain_integer && d->integer.size() <= exact_digits) {
    std::uint64_t v = 0;
    for (char c : d->integer) v = v * 10 + std::uint64_t(c - '0');
    return d->negative ? -double(v) : double(v);
  }
  // from_chars takes a '-' but no '+'; the grammar is already checked.
  const char* first = text.data() + (text.front() == '+' ? 1 : 0);
  double v = 0;
  auto [end, ec] = std::from_chars(first, text.data() + text.size(), v);
  if (ec == std::errc::result_out_of_range) {
    if (magnitude(*d) > 0) return error{errc::parse_error, "out of the float64 range"};
    return d->negative ? -0.0 : 0.0;
  }
  if (ec != std::errc{} || end != text.data() + text.size()) return not_a_number();
  return v;
}

expected<timestamp> parse_millis(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.remove_prefix(1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos)
    return error{errc::parse_error, "not an integer"};
  // from_chars takes a '-' but no '+'.
  const char* first = text.front() == '+' ? text.data() + 1 : text.data();
  timestamp t = 0;
  auto [end, ec] = std::from_chars(first, text.data() + text.size(), t);
  if (ec == std::errc::result_out_of_range)
    return error{errc::parse_error, "out of the int64 range"};
  if (ec != std::errc{} || end != text.data() + text.size())
    return error{errc::parse_error, "not an integer"};
  return t;
}

expected<timestamp> seconds_to_millis(std::string_view text) {
  auto d = scan_decimal(text);
  if (!d) return error{errc::parse_error, "not a number of seconds"};
  // Move the point three places (plus the exponent) right and keep the
  // integer part: the digits before the new point, then zeros.
  const std::size_t total = d->integer.size() + d->fraction.size();
  const std::int64_t point = std::int64_t(d->integer.size()) + d->exponent + 3;
  auto digit_at = [&](std::size_t i) {
    return i < d->integer.size() ? d->integer[i] : d->fraction[i - d->integer.size()];
  };
  const std::uint64_t limit = d->negative ? std::uint64_t(1) << 63 : (std::uint64_t(1) << 63) - 1;
  std::uint64_t ms = 0;
  bool saturated = false;
  for (std::int64_t i = 0; i < point && !saturated; ++i) {
    std::uint64_t next = 0;
    unsigned digit = std::size_t(i) < total ? unsigned(digit_at(std::size_t(i)) - '0') : 0;
    saturated = __builtin_mul_overflow(ms, 10, &next) || __builtin_add_overflow(next, digit, &ms) ||
                ms > limit;
    if (std::size_t(i) >= total && ms == 0) break;  // only zeros are left
  }
  if (saturated) ms = limit;
  return d->negative ? timestamp(-std::int64_t(ms - 1) - 1) : timestamp(ms);
}

}  // namespace vigil::wire
