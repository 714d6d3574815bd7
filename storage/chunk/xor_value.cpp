#include "storage/chunk/xor_value.hpp"

#include <algorithm>
#include <bit>

namespace vigil {
namespace {

constexpr unsigned leading_field_bits = 5;  // leading zeros are capped at 31
constexpr unsigned length_field_bits = 6;   // 1..64 meaningful bits, 64 stored as 0
constexpr unsigned max_leading = (1u << leading_field_bits) - 1;

}  // namespace

/*
 * Value bit format (after Gorilla, VLDB 2015, section 4.1.2). The first
 * value is its 64 raw bits. Every later value v is x = bits(v) XOR
 * bits(previous) and one of:
 *
 *   '0'                                      x == 0: the value repeats
 *   '10'  <m bits>                           the meaningful bits of x fit the
 *                                            previous window (at least as many
 *                                            leading and trailing zeros); m is
 *                                            the window's width
 *   '11'  <5 bits L> <6 bits M> <M bits>     a new window: L leading zeros
 *                                            (capped at 31), M meaningful bits
 *                                            (64 written as 0), then x >> T
 *                                            where T = 64 - L - M
 *
 * '10' is only valid once a window exists. Reusing a window wastes a few
 * bits against a fresh one but saves the 11 bits of its description, which
 * wins for the slowly drifting values monitoring produces.
 */
void xor_value_writer::write(bit_writer& out, double v) {
  const auto bits = std::bit_cast<uint64_t>(v);
  if (first_) {
    out.write(bits, 64);
    prev_ = bits;
    first_ = false;
    return;
  }
  const uint64_t x = bits ^ prev_;
  prev_ = bits;
  if (x == 0) {
    out.write_bit(false);
    return;
  }
  const auto leading = std::min<unsigned>(std::countl_zero(x), max_leading);
  const auto trailing = static_cast<unsigned>(std::countr_zero(x));
  if (has_window_ && leading >= leading_ && trailing >= trailing_) {
    out.write(0b10, 2);
    out.write(x >> trailing_, 64 - leading_ - trailing_);
    return;
  }
  const unsigned meaningful = 64 - leading - trailing;
  out.write(0b11, 2);
  out.write(leading, leading_field_bits);
  out.write(meaningful & 63, length_field_bits);
  out.write(x >> trailing, meaningful);
  has_window_ = true;
  leading_ = static_cast<uint8_t>(leading);
  trailing_ = static_cast<uint8_t>(trailing);
}

bool xor_value_reader::read(bit_reader& in, double& out) {
  if (first_) {
    auto raw = in.read(64);
    if (!raw) return false;
    first_ = false;
    prev_ = *raw;
  } else {
    uint64_t x = 0;
    if (!read_xor(in, x)) return false;
    prev_ ^= x;
  }
  out = std::bit_cast<double>(prev_);
  return true;
}

bool xor_value_reader::read_xor(bit_reader& in, uint64_t& x) {
  auto control = in.read_bit();
  if (!control) return false;
  if (!*control) {
    x = 0;
    return true;
  }
  auto fresh = in.read_bit();
  if (!fresh) return false;
  if (*fresh) {
    auto leading = in.read(leading_field_bits);
    auto length = in.read(length_field_bits);
    if (!leading || !length) return false;
    const auto meaningful = static_cast<unsigned>(*length == 0 ? 64 : *length);
    if (*leading + meaningful > 64) return false;
    has_window_ = true;
    leading_ = static_cast<unsigned>(*leading);
    trailing_ = 64 - leading_ - meaningful;
  } else if (!has_window_) {
    return false;
  }
  auto significant = in.read(64 - leading_ - trailing_);
  if (!significant) return false;
  // 64 - leading_ - trailing_ >= 1, so trailing_ <= 63 and the shift is defined.
  x = *significant << trailing_;
  return true;
}

}  // namespace vigil
