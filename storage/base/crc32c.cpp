#include "storage/base/crc32c.hpp"

#include <array>
#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace vigil::crc32c {
namespace {

// Reflected form of the Castagnoli polynomial 0x1EDC6F41.
constexpr uint32_t polynomial = 0x82F63B78;

using tables = std::array<std::array<uint32_t, 256>, 8>;

// Slicing-by-8: table[k][b] is the CRC of byte b followed by k zero bytes,
// so eight input bytes are folded with eight independent lookups.
constexpr tables make_tables() {
  tables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c >> 1) ^ ((c & 1) ? polynomial : 0);
    t[0][i] = c;
  }
  for (size_t k = 1; k < 8; ++k)
    for (uint32_t i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
  return t;
}

constexpr tables table = make_tables();

uint32_t load_le32(const unsigned char* p) {
  // The tables assume the reflected (least significant byte first) order.
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t extend_sse42(uint32_t crc, const void* data,
                                                        size_t n) noexcept {
  auto p = static_cast<const unsigned char*>(data);
  uint64_t c = ~crc;
  // Align so the 8-byte loads below never straddle a cache line needlessly.
  for (; n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0; --n)
    c = _mm_crc32_u8(uint32_t(c), *p++);
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof word);
    c = _mm_crc32_u64(c, word);
  }
  for (; n > 0; --n) c = _mm_crc32_u8(uint32_t(c), *p++);
  return ~uint32_t(c);
}
#endif

using extend_fn = uint32_t (*)(uint32_t, const void*, size_t) noexcept;

extend_fn choose() {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("sse4.2")) return extend_sse42;
#endif
  return extend_portable;
}

extend_fn implementation() {
  static const extend_fn fn = choose();
  return fn;
}

}  // namespace

uint32_t extend_portable(uint32_t crc, const void* data, size_t n) noexcept {
  auto p = static_cast<const unsigned char*>(data);
  uint32_t c = ~crc;
  for (; n >= 8; n -= 8, p += 8) {
    uint32_t lo = c ^ load_le32(p);
    uint32_t hi = load_le32(p + 4);
    c = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^ table[5][(lo >> 16) & 0xff] ^
        table[4][lo >> 24] ^ table[3][hi & 0xff] ^ table[2][(hi >> 8) & 0xff] ^
        table[1][(hi >> 16) & 0xff] ^ table[0][hi >> 24];
  }
  for (; n > 0; --n) c = (c >> 8) ^ table[0][(c ^ *p++) & 0xff];
  return ~c;
}

uint32_t extend(uint32_t crc, const void* data, size_t n) noexcept {
  return implementation()(crc, data, n);
}

bool hardware_accelerated() noexcept {
  return implementation() != extend_portable;
}

}  // namespace vigil::crc32c
