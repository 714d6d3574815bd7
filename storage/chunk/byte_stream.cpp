#include "storage/chunk/byte_stream.hpp"

#include <utility>

#include "storage/chunk/bit_stream.hpp"

namespace vigil::bytes {

void put_uvarint(std::vector<uint8_t>& out, uint64_t v) {
  for (; v >= 0x80; v >>= 7) out.push_back(static_cast<uint8_t>((v & 0x7f) | 0x80));
  out.push_back(static_cast<uint8_t>(v));
}

void put_varint(std::vector<uint8_t>& out, int64_t v) {
  put_uvarint(out, bits::zigzag(v));
}

void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace vigil::bytes

namespace vigil {

byte_reader::byte_reader(std::span<const uint8_t> bytes, size_t base, std::string where)
    : bytes_(bytes), base_(base), where_(std::move(where)) {}

void byte_reader::fail_at(size_t at, const std::string& what) {
  if (err_) return;
  err_ = vigil::error{errc::corruption, what + " at " + where_ + " byte " + std::to_string(at)};
  pos_ = bytes_.size();
}

void byte_reader::fail(const std::string& what) {
  fail_at(offset(), what);
}

std::optional<uint8_t> byte_reader::u8(const char* what) {
  if (err_ || remaining() < 1) {
    fail(std::string{"truncated "} + what);
    return std::nullopt;
  }
  return bytes_[pos_++];
}

std::optional<uint64_t> byte_reader::uvarint(const char* what) {
  const size_t start = offset();
  uint64_t out = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (err_ || remaining() < 1) {
      fail_at(start, std::string{"truncated "} + what);
      return std::nullopt;
    }
    const uint8_t b = bytes_[pos_++];
    // The tenth byte may only carry the top bit of a 64-bit value.
    if (shift == 63 && (b & 0x7f) > 1) break;
    out |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return out;
  }
  fail_at(start, std::string{"overlong varint in "} + what);
  return std::nullopt;
}

std::optional<int64_t> byte_reader::varint(const char* what) {
  auto u = uvarint(what);
  if (!u) return std::nullopt;
  return bits::unzigzag(*u);
}

std::optional<uint64_t> byte_reader::u64(const char* what) {
  auto raw = take(8, what);
  if (!raw) return std::nullopt;
  uint64_t out = 0;
  for (int i = 0; i < 8; ++i) out |= static_cast<uint64_t>((*raw)[i]) << (8 * i);
  return out;
}

std::optional<std::span<const uint8_t>> byte_reader::take(size_t n, const char* what) {
  if (err_ || remaining() < n) {
    fail(std::string{"truncated "} + what);
    return std::nullopt;
  }
  auto out = bytes_.subspan(pos_, n);
  pos_ += n;
  return out;
}

}  // namespace vigil
