#pragma once

// Persisted chunk blocks: a closed run of samples encoded once, as compactly
// as the encoder can find, and decoded many times. The encoder builds the
// block in several encodings — timestamps and values in separate columns,
// values as a constant, as decimal mantissas or as Gorilla XOR bits — keeps
// the smallest, and adds zstd on top only where that is smaller still. The
// first byte names what was chosen. The format is described next to the
// code that writes it and in storage/chunk/format.md.
//
// Decoding validates everything: corrupt or truncated input yields
// `errc::corruption` with what and at which byte, never undefined behaviour.
// The functions are stateless and safe to call from any thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "storage/base/expected.hpp"
#include "storage/base/sample.hpp"
#include "storage/chunk/int_column.hpp"
#include "storage/chunk/value_column.hpp"

namespace vigil {

/// Header byte: bits 0-2 name the value codec, bit 7 says the rest of the
/// block is one zstd frame, bits 3-6 are reserved (zero).
inline constexpr uint8_t block_codec_mask = 0x07;
inline constexpr uint8_t block_zstd_flag = 0x80;
inline constexpr uint8_t block_reserved_mask = 0x78;

/// Header of a block that is a head chunk (xor_chunk.hpp) as it was cut,
/// kept verbatim: writing it costs no encoding when the head cuts a chunk;
/// maintenance later re-encodes it with encode_block (needs_reencoding).
inline constexpr uint8_t block_head_chunk = 0x04;

/// The most samples a block holds (decoders refuse larger counts, which
/// bounds what a corrupt block can make them allocate).
inline constexpr size_t max_block_samples = size_t{1} << 20;

/// Choices the encoder normally makes itself (for tests and benchmarks).
struct encode_options {
  /// Use this value codec when it can represent the block (gorilla always
  /// can and is the fallback).
  std::optional<value_codec> values;
  /// Lay integer columns out this way.
  std::optional<int_packing> packing;
  /// Try zstd on the payload; kept only when it makes the block smaller.
  bool zstd = true;
  int zstd_level = 3;
};

/// Encodes `samples` (at most `max_block_samples`, timestamps normally
/// ascending; any order round-trips) into a block. Every value keeps its
/// exact bits.
[[nodiscard]] std::vector<uint8_t> encode_block(std::span<const sample> samples,
                                                const encode_options& options = {});

/// A block holding `chunk` (a head chunk) unchanged, header first.
[[nodiscard]] std::vector<uint8_t> wrap_head_chunk(std::span<const uint8_t> chunk);

/// True for a block written by wrap_head_chunk: larger than what
/// encode_block makes of the same samples.
[[nodiscard]] inline bool needs_reencoding(std::span<const uint8_t> block) {
  return !block.empty() && block[0] == block_head_chunk;
}

/// Decodes a block; `errc::corruption` if it is not one.
[[nodiscard]] expected<std::vector<sample>> decode_block(std::span<const uint8_t> block);

/// Decodes a block, appending its samples to `out` (a query's buffer);
/// returns how many. On error `out` keeps its previous contents.
[[nodiscard]] expected<size_t> decode_block_into(std::span<const uint8_t> block,
                                                 std::vector<sample>& out);

}  // namespace vigil
