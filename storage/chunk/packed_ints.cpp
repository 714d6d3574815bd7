#include "storage/chunk/packed_ints.hpp"

#include <algorithm>
#include <bit>
#include <limits>
#include <numeric>

#include "storage/chunk/bit_stream.hpp"

namespace vigil {
namespace {

constexpr uint64_t u64_max = std::numeric_limits<uint64_t>::max();
constexpr size_t max_base_candidates = 4;  // low outliers tolerated below the base
constexpr size_t max_exceptions_tried = 64;

/// The encoder's choice for one base.
struct digits_plan {
  int64_t base = 0;
  uint64_t scale = 0;
  uint64_t max_digit = 0;
  size_t size = 0;  // estimated bytes
  std::vector<uint64_t> quotients;
};

uint64_t magnitude(int64_t v) {
  return v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
}

int64_t wrapping_sub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}

/// Bits a group of `n` digits (n <= group_for(max_digit).digits) takes.
unsigned group_bits(size_t n, uint64_t max_digit) {
  if (max_digit == u64_max) return 64;
  uint64_t power = 1;
  for (size_t i = 0; i < n; ++i) power *= max_digit + 1;
  return static_cast<unsigned>(std::bit_width(power - 1));
}

/// Bits `count` digits take when packed.
size_t packed_bits(size_t count, uint64_t max_digit) {
  const radix_group g = group_for(max_digit);
  if (g.digits == 0) return 0;
  size_t bits = (count / g.digits) * g.bits;
  if (const size_t rest = count % g.digits; rest > 0) bits += group_bits(rest, max_digit);
  return bits;
}

/// Binary GCD: no divisions, which dominate Euclid's on 64-bit values.
uint64_t gcd(uint64_t a, uint64_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  const int shift = std::countr_zero(a | b);
  a >>= std::countr_zero(a);
  do {
    b >>= std::countr_zero(b);
    if (a > b) std::swap(a, b);
    b -= a;
  } while (b != 0);
  return a << shift;
}

/// Residuals relative to `base`, divided by their common divisor. A residual
/// below the base stays negative (it wraps to a huge quotient and becomes an
/// exception); the divisor is taken over magnitudes so that such a residual
/// does not destroy it, and q * scale == residual still holds modulo 2^64.
digits_plan divide(std::span<const int64_t> values, int64_t base) {
  digits_plan plan;
  plan.base = base;
  for (const int64_t v : values) {
    plan.scale = gcd(plan.scale, magnitude(wrapping_sub(v, base)));
    if (plan.scale == 1) break;  // common for noisy data; nothing left to find
  }
  plan.quotients.reserve(values.size());
  for (const int64_t v : values) {
    const int64_t r = wrapping_sub(v, base);
    if (plan.scale == 1) {
      plan.quotients.push_back(static_cast<uint64_t>(r));
      continue;
    }
    const uint64_t q = plan.scale == 0 ? 0 : magnitude(r) / plan.scale;
    plan.quotients.push_back(r < 0 ? uint64_t{0} - q : q);
  }
  return plan;
}

/// How many of the largest quotients may become exceptions: a few per
/// block, more in long blocks.
size_t exceptions_to_try(size_t m) {
  return std::min({m - 1, 8 + m / 32, max_exceptions_tried});
}

/// Picks the radix for `plan`: the largest quotients may become exceptions.
void choose_radix(digits_plan& plan) {
  const size_t m = plan.quotients.size();
  const size_t tries = exceptions_to_try(m);
  // Only the tries + 1 largest quotients matter, in ascending order.
  std::vector<uint64_t> top = plan.quotients;
  std::nth_element(top.begin(), top.begin() + static_cast<ptrdiff_t>(m - 1 - tries), top.end());
  top.erase(top.begin(), top.begin() + static_cast<ptrdiff_t>(m - 1 - tries));
  std::sort(top.begin(), top.end());
  const size_t fixed =
      bits::uvarint_size(bits::zigzag(plan.base)) + bits::uvarint_size(plan.scale) + 1;
  plan.size = std::numeric_limits<size_t>::max();
  for (size_t e = 0; e <= tries; ++e) {
    const uint64_t max_digit = top[tries - e];
    if (e > 0 && max_digit == top[tries - e + 1]) continue;  // same radix as with e - 1
    size_t size = fixed + bits::uvarint_size(max_digit) + (packed_bits(m, max_digit) + 7) / 8;
    // With e > 0, max_digit is below a larger quotient, so max_digit + 1 cannot wrap.
    for (size_t j = tries - e + 1; j <= tries; ++j)
      size += 1 + bits::uvarint_size(top[j] / (max_digit + 1));
    if (size < plan.size) {
      plan.size = size;
      plan.max_digit = max_digit;
    }
  }
}

/*
 * Digits: quotient q contributes the digit q mod R (R = max_digit + 1; q
 * itself when R would be 2^64). Consecutive digits d0, d1, ... form groups
 * of G = group_for(max_digit).digits, each written as the number
 * d0 + d1 R + d2 R^2 + ... in bit_width(R^G - 1) bits, most significant bit
 * first; a last, shorter group of n digits takes bit_width(R^n - 1) bits.
 * The bit stream is zero-padded to a whole byte.
 */
void write_digits(std::span<const uint64_t> quotients, uint64_t max_digit,
                  std::vector<uint8_t>& out) {
  const radix_group g = group_for(max_digit);
  if (g.digits == 0) return;
  const uint64_t radix = max_digit + 1;  // wraps to 0 when max_digit == u64_max: digit = q
  bit_writer w;
  for (size_t i = 0; i < quotients.size(); i += g.digits) {
    const size_t n = std::min<size_t>(g.digits, quotients.size() - i);
    uint64_t group = 0;
    uint64_t power = 1;
    for (size_t j = 0; j < n; ++j) {
      const uint64_t q = quotients[i + j];
      group += (radix == 0 ? q : q % radix) * power;
      power *= radix;
    }
    w.write(group, group_bits(n, max_digit));
  }
  out.insert(out.end(), w.bytes().begin(), w.bytes().end());
}

/// Calls `f(gap, high)` for every exception, in index order.
template <class F>
void for_each_exception(std::span<const uint64_t> quotients, uint64_t max_digit, F f) {
  size_t next = 0;
  for (size_t i = 0; i < quotients.size(); ++i) {
    if (quotients[i] <= max_digit) continue;
    f(i - next, quotients[i] / (max_digit + 1));
    next = i + 1;
  }
}

/// The smallest plan over a few bases: the minimum, and the next values up
/// when the ones below them are low outliers.
digits_plan plan_for(std::span<const int64_t> values) {
  std::vector<int64_t> bases(std::min(values.size(), max_base_candidates));
  std::partial_sort_copy(values.begin(), values.end(), bases.begin(), bases.end());
  digits_plan best = divide(values, bases[0]);
  choose_radix(best);
  const uint64_t range = best.max_digit * best.scale;  // may wrap: then surely worth a try
  for (size_t i = 1; i < bases.size(); ++i) {
    // A higher base only pays when the values below it stretch the range
    // (a counter reset among deltas).
    const uint64_t gap = static_cast<uint64_t>(bases[i]) - static_cast<uint64_t>(bases[0]);
    if (bases[i] == bases[i - 1] || gap < range / 4) continue;
    digits_plan plan = divide(values, bases[i]);
    choose_radix(plan);
    if (plan.size < best.size) best = std::move(plan);
  }
  return best;
}

bool read_digits(byte_reader& in, uint64_t max_digit, std::span<int64_t> out) {
  const radix_group g = group_for(max_digit);
  if (g.digits == 0) {
    std::fill(out.begin(), out.end(), 0);
    return true;
  }
  const size_t at = in.offset();
  auto packed = in.take((packed_bits(out.size(), max_digit) + 7) / 8, "packed digits");
  if (!packed) return false;
  const uint64_t radix = max_digit + 1;
  bit_reader bits_in{*packed};
  for (size_t i = 0; i < out.size(); i += g.digits) {
    const size_t n = std::min<size_t>(g.digits, out.size() - i);
    uint64_t group = bits_in.read(group_bits(n, max_digit)).value_or(0);
    for (size_t j = 0; j < n; ++j) {
      out[i + j] = static_cast<int64_t>(radix == 0 ? group : group % radix);
      group = radix == 0 ? 0 : group / radix;
    }
    if (group != 0) {
      in.fail_at(at, "packed digit group " + std::to_string(i / g.digits) + " exceeds its radix");
      return false;
    }
  }
  return true;
}

bool read_exceptions(byte_reader& in, uint64_t max_digit, std::span<int64_t> out) {
  const size_t at = in.offset();
  auto count = in.uvarint("exception count");
  if (!count) return false;
  if (*count > out.size() || (*count > 0 && max_digit == u64_max)) {
    in.fail_at(at, "impossible exception count " + std::to_string(*count));
    return false;
  }
  size_t next = 0;
  for (uint64_t k = 0; k < *count; ++k) {
    const size_t entry = in.offset();
    auto gap = in.uvarint("exception index");
    auto high = in.uvarint("exception value");
    if (!gap || !high) return false;
    if (*gap >= out.size() - next) {
      in.fail_at(entry, "exception index out of range");
      return false;
    }
    const size_t i = next + static_cast<size_t>(*gap);
    out[i] = static_cast<int64_t>(*high * (max_digit + 1) + static_cast<uint64_t>(out[i]));
    next = i + 1;
  }
  return true;
}

}  // namespace

packed_ints_plan::packed_ints_plan(std::span<const int64_t> values) {
  if (values.empty()) return;
  digits_plan plan = plan_for(values);
  base_ = plan.base;
  scale_ = plan.scale;
  max_digit_ = plan.max_digit;
  quotients_ = std::move(plan.quotients);
  // choose_radix estimated one byte per exception gap; now count exactly.
  size_t exceptions = 0;
  size_ = bits::uvarint_size(bits::zigzag(base_)) + bits::uvarint_size(scale_) +
          bits::uvarint_size(max_digit_) + (packed_bits(quotients_.size(), max_digit_) + 7) / 8;
  for_each_exception(quotients_, max_digit_, [&](size_t gap, uint64_t high) {
    ++exceptions;
    size_ += bits::uvarint_size(gap) + bits::uvarint_size(high);
  });
  size_ += bits::uvarint_size(exceptions);
}

/*
 * Packed layout (m values; m is known to the reader):
 *
 *   varint   base        zigzag LEB128, subtracted from every value
 *   uvarint  scale       common divisor of the residuals; 0 if all are 0
 *   uvarint  max_digit   R - 1, the largest packed digit
 *   digits               m digits in radix R (write_digits above)
 *   uvarint  k           exception count
 *   k x (uvarint gap, uvarint high)
 *                        the next exception is `gap` values after the
 *                        previous one (the first counts from 0); its
 *                        quotient is high * R + its digit
 *
 * Value i is base + quotient_i * scale, modulo 2^64.
 */
void packed_ints_plan::write(std::vector<uint8_t>& out) const {
  if (quotients_.empty()) return;
  bytes::put_varint(out, base_);
  bytes::put_uvarint(out, scale_);
  bytes::put_uvarint(out, max_digit_);
  write_digits(quotients_, max_digit_, out);
  size_t count = 0;
  for_each_exception(quotients_, max_digit_, [&](size_t, uint64_t) { ++count; });
  bytes::put_uvarint(out, count);
  for_each_exception(quotients_, max_digit_, [&](size_t gap, uint64_t high) {
    bytes::put_uvarint(out, gap);
    bytes::put_uvarint(out, high);
  });
}

void encode_packed_ints(std::span<const int64_t> values, std::vector<uint8_t>& out) {
  packed_ints_plan(values).write(out);
}

radix_group group_for(uint64_t max_digit) {
  if (max_digit == 0) return {};
  if (max_digit == u64_max) return {1, 64};
  const uint64_t radix = max_digit + 1;
  radix_group g{1, 0};
  uint64_t power = radix;
  while (power <= u64_max / radix) {
    power *= radix;
    ++g.digits;
  }
  g.bits = static_cast<unsigned>(std::bit_width(power - 1));
  return g;
}

bool decode_packed_ints(byte_reader& in, std::span<int64_t> out) {
  if (out.empty()) return true;
  auto base = in.varint("packed base");
  auto scale = in.uvarint("packed scale");
  auto max_digit = in.uvarint("packed radix");
  if (!base || !scale || !max_digit) return false;
  if (!read_digits(in, *max_digit, out) || !read_exceptions(in, *max_digit, out)) return false;
  for (int64_t& v : out)
    v = static_cast<int64_t>(static_cast<uint64_t>(*base) + static_cast<uint64_t>(v) * *scale);
  return true;
}

}  // namespace vigil
