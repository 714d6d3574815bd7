#include "storage/chunk/bit_stream.hpp"

#include <algorithm>

namespace vigil {

void bit_writer::write(uint64_t v, unsigned n) {
  while (n > 0) {
    if (free_bits_ == 0) {
      bytes_.push_back(0);
      free_bits_ = 8;
    }
    const unsigned take = std::min(n, free_bits_);
    const auto chunk = static_cast<uint8_t>(bits::low(v >> (n - take), take));
    bytes_.back() |= static_cast<uint8_t>(chunk << (free_bits_ - take));
    free_bits_ -= take;
    n -= take;
  }
}

void bit_writer::write_uvarint(uint64_t v) {
  for (; v >= 0x80; v >>= 7) write((v & 0x7f) | 0x80, 8);
  write(v, 8);
}

std::optional<uint64_t> bit_reader::read_slow(unsigned n) {
  if (n > bits_left()) {
    exhaust();
    return std::nullopt;
  }
  uint64_t out = 0;
  while (n > 0) {
    const unsigned avail = 8 - static_cast<unsigned>(pos_ & 7);
    const unsigned take = std::min(n, avail);
    const uint64_t chunk = bits::low(bytes_[pos_ >> 3] >> (avail - take), take);
    // take <= 8, so the shift never reaches the width of uint64_t.
    out = (out << take) | chunk;
    pos_ += take;
    n -= take;
  }
  return out;
}

std::optional<uint64_t> bit_reader::read_uvarint() {
  uint64_t out = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    auto group = read(8);
    if (!group) return std::nullopt;
    const uint64_t payload = *group & 0x7f;
    // The tenth group may only carry the top bit of a 64-bit value.
    if (shift == 63 && payload > 1) break;
    out |= payload << shift;
    if ((*group & 0x80) == 0) return out;
  }
  exhaust();
  return std::nullopt;
}

}  // namespace vigil
