#pragma once

// The head chunk: an appendable Gorilla chunk (delta-of-delta timestamps,
// XOR'd values) for the one open chunk of every in-memory series. Appending
// costs a few bit writes; `bytes()` is a valid chunk after every append, so
// a reader can copy it at any time. The format is documented next to the
// code that writes it (xor_chunk.cpp) and in storage/chunk/format.md.
//
// Threading: an appender or iterator belongs to one thread at a time; any
// number of iterators may read the same immutable bytes concurrently.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "storage/base/error.hpp"
#include "storage/base/sample.hpp"
#include "storage/chunk/bit_stream.hpp"
#include "storage/chunk/xor_value.hpp"

namespace vigil {

/// Builds a Gorilla chunk sample by sample.
class xor_appender {
 public:
  /// The sample count is a 16-bit header field.
  static constexpr size_t max_samples = 65535;

  /// An empty chunk (just its header).
  xor_appender();

  /// Appends a sample. Timestamps must not decrease (the caller orders
  /// them); any int64 sequence still round-trips, only less compactly.
  /// Returns false, writing nothing, when the chunk holds `max_samples`.
  [[nodiscard]] bool append(timestamp t, double v);

  /// The chunk so far: a complete, decodable chunk after every append.
  [[nodiscard]] std::span<const uint8_t> bytes() const { return out_.bytes(); }

  /// Samples appended so far.
  [[nodiscard]] size_t num_samples() const;

 private:
  void write_timestamp(timestamp t, size_t count);

  // The head keeps one appender per series, so the sample count lives only
  // in the chunk's own header.
  bit_writer out_;
  xor_value_writer values_;
  uint64_t prev_t_ = 0;
  uint64_t prev_delta_ = 0;
};

/// Reads a Gorilla chunk forward. Corrupt or truncated input stops the
/// iteration and sets a sticky error; it never reads out of bounds.
class xor_iterator {
 public:
  /// Iterates `chunk`, which must outlive the iterator.
  explicit xor_iterator(std::span<const uint8_t> chunk);

  /// Moves to the next sample. False at the end or on corrupt input; check
  /// `err()` to tell them apart.
  [[nodiscard]] bool next();

  /// Moves forward to the first sample with timestamp >= `target`; stays put
  /// if the current sample already qualifies. False if there is none, once
  /// the iterator is exhausted, or on corrupt input.
  [[nodiscard]] bool seek(timestamp target);

  /// The current sample; valid after `next()` or `seek()` returned true.
  [[nodiscard]] sample at() const { return current_; }

  /// Samples the header announces.
  [[nodiscard]] size_t num_samples() const { return total_; }

  /// The first corruption found, if any (sticky; once set, `next()` and
  /// `seek()` return false).
  [[nodiscard]] const std::optional<error>& err() const { return err_; }

 private:
  [[nodiscard]] bool read_timestamp();
  [[nodiscard]] bool fail(const char* what, size_t bit);

  bit_reader in_;
  xor_value_reader values_;
  size_t total_ = 0;
  size_t read_ = 0;
  bool done_ = false;
  uint64_t prev_delta_ = 0;
  sample current_;
  std::optional<error> err_;
};

}  // namespace vigil
