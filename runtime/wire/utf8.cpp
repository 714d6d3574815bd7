#include "runtime/wire/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace vigil::wire {
namespace {

constexpr std::uint64_t high_bits = 0x8080808080808080ULL;

bool continuation(unsigned char c) noexcept {
  return (c & 0xC0) == 0x80;
}

// The length of the sequence led by `lead`, and the range its second byte
// must fall in (Unicode 15, table 3-7); 0 for a byte that cannot lead.
struct sequence {
  std::size_t length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
};

sequence lead(unsigned char c) noexcept {
  if (c >= 0xC2 && c <= 0xDF) return {2};
  if (c == 0xE0) return {3, 0xA0, 0xBF};
  if (c == 0xED) return {3, 0x80, 0x9F};  // no surrogates
  if (c >= 0xE1 && c <= 0xEF) return {3};
  if (c == 0xF0) return {4, 0x90, 0xBF};
  if (c >= 0xF1 && c <= 0xF3) return {4};
  if (c == 0xF4) return {4, 0x80, 0x8F};  // nothing above U+10FFFF
  return {};
}

}  // namespace

bool valid_utf8(std::string_view text) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    if (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, sizeof word);
      if ((word & high_bits) == 0) {
        p += 8;
        continue;
      }
    }
    if (*p < 0x80) {
      ++p;
      continue;
    }
    auto seq = lead(*p);
    if (seq.length == 0 || std::size_t(end - p) < seq.length) return false;
    if (p[1] < seq.second_min || p[1] > seq.second_max) return false;
    for (std::size_t i = 2; i < seq.length; ++i)
      if (!continuation(p[i])) return false;
    p += seq.length;
  }
  return true;
}

std::size_t code_points(std::string_view text) noexcept {
  std::size_t n = 0;
  for (char c : text) n += !continuation(static_cast<unsigned char>(c));
  return n;
}

}  // namespace vigil::wire
