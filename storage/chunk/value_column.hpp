#pragma once

// The value column of a persisted block, in one of three encodings:
// constant (one value, repeated), decimal (integer mantissas with a shared
// decimal exponent, in an int_column, with exceptions for the odd value
// that is not a short decimal, such as a staleness marker) and gorilla
// (XOR'd float bits, the fallback for anything). Stateless functions.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "storage/chunk/byte_stream.hpp"
#include "storage/chunk/int_column.hpp"

namespace vigil {

/// Value encodings; the numbers are stored in bits 0-2 of a block's header.
enum class value_codec : uint8_t {
  empty = 0,     ///< a block without samples
  constant = 1,  ///< every value has the same bits
  decimal = 2,   ///< m / 10^e with a shared e
  gorilla = 3,   ///< XOR'd float bits
};

/// Appends a constant column if every value in `values` (non-empty) has the
/// same bits; otherwise writes nothing and returns false.
[[nodiscard]] bool encode_constant_column(std::span<const double> values,
                                          std::vector<uint8_t>& out);

/// Appends a decimal column unless too few of `values` are short decimals
/// (then writes nothing and returns false). `packing` forces the layout of
/// the mantissa column.
[[nodiscard]] bool encode_decimal_column(std::span<const double> values, std::vector<uint8_t>& out,
                                         std::optional<int_packing> packing = std::nullopt);

/// Appends a gorilla column; it represents any values.
void encode_gorilla_column(std::span<const double> values, std::vector<uint8_t>& out);

/// Reads `out.size()` values of a column in `codec` (not `empty`). False on
/// corrupt input; `in` then holds the error.
[[nodiscard]] bool decode_value_column(value_codec codec, byte_reader& in, std::span<double> out);

}  // namespace vigil
