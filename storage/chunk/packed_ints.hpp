#pragma once

// Dense packing of integer residuals for persisted blocks (int_column.hpp
// feeds it deltas or deltas of deltas). Four ideas stack:
//   - frame of reference: subtract a base so residuals start near zero;
//   - common divisor: divide by the GCD of the residuals (memory gauges
//     move in pages of 4096, rounded counters in tens);
//   - mixed-radix packing: digits below a radix R are packed several to a
//     64-bit group as one number in base R, so 129 possible values cost 7.1
//     bits instead of 8;
//   - patching: the few residuals that do not fit R (a counter reset, a
//     spike) are stored apart as exceptions instead of widening every digit.
// The encoder picks base and radix to minimise the size. Stateless functions.

#include <cstdint>
#include <span>
#include <vector>

#include "storage/chunk/byte_stream.hpp"

namespace vigil {

/// The encoder's choice of base, divisor and radix for a run of values:
/// made once, sized exactly, written only if the caller keeps it.
class packed_ints_plan {
 public:
  /// Plans `values` (non-empty); the count is not stored, the reader must
  /// know it.
  explicit packed_ints_plan(std::span<const int64_t> values);

  /// Bytes `write` appends.
  [[nodiscard]] size_t size() const { return size_; }

  /// Appends the packed values.
  void write(std::vector<uint8_t>& out) const;

 private:
  int64_t base_ = 0;
  uint64_t scale_ = 0;
  uint64_t max_digit_ = 0;
  size_t size_ = 0;
  std::vector<uint64_t> quotients_;
};

/// Appends `values` in packed form: `packed_ints_plan(values).write(out)`.
void encode_packed_ints(std::span<const int64_t> values, std::vector<uint8_t>& out);

/// Reads `out.size()` values written by `encode_packed_ints`. False on
/// corrupt input; `in` then holds the error.
[[nodiscard]] bool decode_packed_ints(byte_reader& in, std::span<int64_t> out);

/// How many digits of radix `max_digit + 1` share one group and how many
/// bits the group takes (exposed for tests).
struct radix_group {
  unsigned digits = 0;  ///< 0 when max_digit is 0 (digits take no bits)
  unsigned bits = 0;
};
[[nodiscard]] radix_group group_for(uint64_t max_digit);

}  // namespace vigil
