#pragma once

// Gorilla's XOR compression of a sequence of doubles, shared by the head
// chunk (xor_chunk.hpp) and the fallback value column of persisted blocks
// (codec.hpp). It works on the raw bits, so every value round-trips exactly:
// NaN payloads, staleness markers, ±Inf, -0.0 and denormals included.
// Writer and reader carry the previous value and its meaningful-bit window
// between calls; neither is thread-safe.

#include <cstdint>

#include "storage/chunk/bit_stream.hpp"

namespace vigil {

/// Encodes doubles one after another into a bit stream.
class xor_value_writer {
 public:
  /// Appends `v` to `out`: the first value raw, later ones XOR'd with their
  /// predecessor.
  void write(bit_writer& out, double v);

 private:
  // Narrow fields: the head keeps one writer per series.
  uint64_t prev_ = 0;
  uint8_t leading_ = 0;
  uint8_t trailing_ = 0;
  bool first_ = true;
  bool has_window_ = false;
};

/// Decodes what `xor_value_writer` wrote, value by value.
class xor_value_reader {
 public:
  /// Reads the next value into `out`. False if the bits run out or describe
  /// an impossible window (corrupt input). A flag and an out-parameter
  /// rather than an optional: this is the innermost decoding loop, and an
  /// optional returned from a call costs a store-forwarding stall.
  [[nodiscard]] bool read(bit_reader& in, double& out);

 private:
  [[nodiscard]] bool read_xor(bit_reader& in, uint64_t& x);

  uint64_t prev_ = 0;
  bool first_ = true;
  bool has_window_ = false;
  unsigned leading_ = 0;
  unsigned trailing_ = 0;
};

}  // namespace vigil
