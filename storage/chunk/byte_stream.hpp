#pragma once

// Byte-granular fields of persisted blocks: free functions that append
// varints and fixed-width fields to a buffer, and a reader over a borrowed
// span that records the first failure with what it was reading and at which
// byte offset. After a failure every read fails, so decoders check once per
// field and return `error()` without building messages themselves.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "storage/base/error.hpp"

namespace vigil::bytes {

/// Appends `v` as a LEB128 varint (1 to 10 bytes).
void put_uvarint(std::vector<uint8_t>& out, uint64_t v);

/// Appends `v` zigzag-mapped as a LEB128 varint.
void put_varint(std::vector<uint8_t>& out, int64_t v);

/// Appends `v` as 8 little-endian bytes.
void put_u64(std::vector<uint8_t>& out, uint64_t v);

}  // namespace vigil::bytes

namespace vigil {

/// Reads fields from a span, remembering the first failure.
class byte_reader {
 public:
  /// Reads `bytes` (which must outlive the reader). Offsets in messages are
  /// `base` plus the position in `bytes`, prefixed with `where` (such as
  /// "block" or "decompressed payload").
  byte_reader(std::span<const uint8_t> bytes, size_t base, std::string where);

  /// One byte; `what` names the field in the error message.
  [[nodiscard]] std::optional<uint8_t> u8(const char* what);

  /// A LEB128 varint of at most 64 bits.
  [[nodiscard]] std::optional<uint64_t> uvarint(const char* what);

  /// A zigzag-mapped varint.
  [[nodiscard]] std::optional<int64_t> varint(const char* what);

  /// 8 little-endian bytes.
  [[nodiscard]] std::optional<uint64_t> u64(const char* what);

  /// The next `n` bytes as a span into the input.
  [[nodiscard]] std::optional<std::span<const uint8_t>> take(size_t n, const char* what);

  /// The unread bytes, without consuming them.
  [[nodiscard]] std::span<const uint8_t> rest() const { return bytes_.subspan(pos_); }

  /// Records a semantic error about the field that starts at `offset()`
  /// (or at `at`, a value `offset()` returned earlier) and fails the reader.
  void fail(const std::string& what);
  void fail_at(size_t at, const std::string& what);

  /// The absolute offset of the next byte.
  [[nodiscard]] size_t offset() const { return base_ + pos_; }

  /// Bytes not yet read.
  [[nodiscard]] size_t remaining() const { return bytes_.size() - pos_; }

  /// Whether every read so far succeeded.
  [[nodiscard]] bool ok() const { return !err_; }

  /// The first failure: `errc::corruption`, what and at which byte.
  [[nodiscard]] const std::optional<vigil::error>& error() const { return err_; }

 private:
  std::span<const uint8_t> bytes_;
  size_t base_;
  std::string where_;
  size_t pos_ = 0;
  std::optional<vigil::error> err_;
};

}  // namespace vigil
