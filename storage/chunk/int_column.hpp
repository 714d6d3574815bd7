#pragma once

// A column of int64 values in a persisted block: timestamps, or the integer
// mantissas of decimal values. The encoder tries four predictors — raw
// (gauges that wobble around a level), delta (counters, random walks),
// delta of delta (regular timestamps, steady counters) and linear (x0 plus
// i steps: jittered timestamps) — and three layouts for the residuals:
// byte-aligned varints (which a general-purpose compressor can still
// squeeze), packed_ints, or one residual repeated. It keeps the smallest.
// Arithmetic wraps modulo 2^64, so every int64 sequence round-trips.
// Stateless functions.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "storage/chunk/byte_stream.hpp"

namespace vigil {

/// Layouts for the residuals of an integer column.
enum class int_packing : uint8_t {
  varint = 0,  ///< one zigzag LEB128 varint per residual
  packed = 1,  ///< packed_ints.hpp: base, divisor, mixed radix, exceptions
};

/// Appends the smallest encoding of `values` found. `packing` restricts
/// residuals that differ to one layout (a repeated residual is always
/// stored once). The count is not stored.
void encode_int_column(std::span<const int64_t> values, std::vector<uint8_t>& out,
                       std::optional<int_packing> packing = std::nullopt);

/// Reads `out.size()` values written by `encode_int_column`. False on
/// corrupt input; `in` then holds the error.
[[nodiscard]] bool decode_int_column(byte_reader& in, std::span<int64_t> out);

}  // namespace vigil
