#pragma once

// Bit-granular streams for the Gorilla head chunk and the bit-packed columns
// of persisted blocks: a stateless helper namespace (`bits`), a writer that
// appends to a growable byte buffer and a reader over a borrowed span.
//
// Bits are stored most significant first: the first bit written is bit 7 of
// byte 0. The reader never reads past its span; a read that would is refused
// and the reader is then exhausted for good, so a caller checks once per
// field instead of guarding every byte. Neither class is thread-safe.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

namespace vigil::bits {

/// Maps a signed value to an unsigned one so small magnitudes get small codes
/// (0, -1, 1, -2 -> 0, 1, 2, 3).
[[nodiscard]] constexpr uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

/// The inverse of `zigzag`.
[[nodiscard]] constexpr int64_t unzigzag(uint64_t u) {
  return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
}

/// The low `n` bits of `v`; `n` in [0, 64].
[[nodiscard]] constexpr uint64_t low(uint64_t v, unsigned n) {
  return n >= 64 ? v : v & ((uint64_t{1} << n) - 1);
}

/// Whether `v` fits an `n`-bit two's complement field; `n` in [1, 64].
[[nodiscard]] constexpr bool fits_signed(int64_t v, unsigned n) {
  if (n >= 64) return true;
  const int64_t half = int64_t{1} << (n - 1);
  return v >= -half && v < half;
}

/// Reads the low `n` bits of `v` as an `n`-bit two's complement number.
[[nodiscard]] constexpr int64_t sign_extend(uint64_t v, unsigned n) {
  if (n >= 64) return static_cast<int64_t>(v);
  const uint64_t sign = uint64_t{1} << (n - 1);
  return static_cast<int64_t>((low(v, n) ^ sign) - sign);
}

/// Bytes a LEB128 varint of `v` takes (1 to 10).
[[nodiscard]] constexpr size_t uvarint_size(uint64_t v) {
  size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

}  // namespace vigil::bits

namespace vigil {

/// Appends bits to a byte buffer, most significant bit first.
class bit_writer {
 public:
  /// Appends the low `n` bits of `v`, most significant first; `n` in [0, 64].
  void write(uint64_t v, unsigned n);

  /// Appends one bit.
  void write_bit(bool b) { write(b ? 1 : 0, 1); }

  /// Appends `v` as a LEB128 varint, one 8-bit group at a time.
  void write_uvarint(uint64_t v);

  /// Overwrites byte `index`, which must already have been written (headers
  /// that are patched after the fact, such as a sample count).
  void set_byte(size_t index, uint8_t b) { bytes_[index] = b; }

  /// The bytes written so far; the last one is zero-padded.
  [[nodiscard]] std::span<const uint8_t> bytes() const { return bytes_; }

  /// Bits written so far.
  [[nodiscard]] size_t bit_size() const { return bytes_.size() * 8 - free_bits_; }

 private:
  std::vector<uint8_t> bytes_;
  unsigned free_bits_ = 0;  // unused low bits of bytes_.back()
};

/// Reads bits from a borrowed span, most significant bit first.
class bit_reader {
 public:
  /// Reads `bytes`, which must outlive the reader.
  explicit bit_reader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  /// The next `n` bits (`n` in [0, 64]) as the low bits of the result, or
  /// nothing if fewer remain (the reader is then exhausted).
  [[nodiscard]] std::optional<uint64_t> read(unsigned n) {
    // Inline so that the optional stays in registers: the hot loop of
    // every Gorilla decoder.
    const size_t byte = pos_ >> 3;
    if (n == 0 || n > 56 || byte + 8 > bytes_.size()) return read_slow(n);
    const uint64_t window = load_big_endian(bytes_.data() + byte) << (pos_ & 7);
    pos_ += n;
    return window >> (64 - n);
  }

  /// The next bit, or nothing at the end.
  [[nodiscard]] std::optional<bool> read_bit() {
    auto b = read(1);
    if (!b) return std::nullopt;
    return *b != 0;
  }

  /// A LEB128 varint written by `bit_writer::write_uvarint`, or nothing if
  /// the input ends or the varint is longer than 64 bits.
  [[nodiscard]] std::optional<uint64_t> read_uvarint();

  /// Bits consumed so far (for error messages).
  [[nodiscard]] size_t bit_position() const { return pos_; }

  /// Bits not yet consumed.
  [[nodiscard]] size_t bits_left() const { return bytes_.size() * 8 - pos_; }

 private:
  static uint64_t load_big_endian(const uint8_t* p) {
    uint64_t v;
    std::memcpy(&v, p, sizeof v);
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
    return v;
  }
  [[nodiscard]] std::optional<uint64_t> read_slow(unsigned n);
  void exhaust() { pos_ = bytes_.size() * 8; }

  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

}  // namespace vigil
