#include "storage/base/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace vigil {
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

std::size_t decode_utf8(std::string_view s, char32_t& out) noexcept {
  if (s.empty()) return 0;
  auto b0 = static_cast<unsigned char>(s[0]);
  if (b0 < 0x80) {
    out = b0;
    return 1;
  }
  size_t len = b0 >= 0xf0 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc0 ? 2 : 0;
  if (len == 0 || len > s.size() || b0 > 0xf4) return 0;
  char32_t c = b0 & (0x7f >> len);
  for (size_t i = 1; i < len; ++i) {
    auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xc0) != 0x80) return 0;
    c = (c << 6) | (b & 0x3f);
  }
  static constexpr char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < smallest[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
  out = c;
  return len;
}

bool append_utf8(std::string& out, char32_t c) {
  if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return false;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xc0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xe0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  }
  return true;
}

}  // namespace vigil
