#include "rules/promql/utf8.hpp"

namespace vigil::promql {

size_t decode_utf8(std::string_view s, char32_t& out) noexcept {
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

char32_t decode_rune(std::string_view s, size_t& width) noexcept {
  char32_t r = 0xfffd;
  width = decode_utf8(s, r);
  if (width == 0 && !s.empty()) width = 1;
  return r;
}

bool valid_utf8(std::string_view s) noexcept {
  char32_t c;
  for (size_t i = 0, n; i < s.size(); i += n)
    if ((n = decode_utf8(s.substr(i), c)) == 0) return false;
  return true;
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

bool is_printable(char32_t c) noexcept {
  // Controls, format characters, separators other than ' ', private use and
  // noncharacters: the classes Go's unicode.IsPrint rejects.
  struct range {
    char32_t lo, hi;
  };
  static constexpr range hidden[] = {
      {0x00, 0x1f},       {0x7f, 0xa0},        {0xad, 0xad},       {0x600, 0x605},
      {0x61c, 0x61c},     {0x6dd, 0x6dd},      {0x70f, 0x70f},     {0x1680, 0x1680},
      {0x180e, 0x180e},   {0x2000, 0x200f},    {0x2028, 0x202f},   {0x205f, 0x2064},
      {0x2066, 0x206f},   {0x3000, 0x3000},    {0xe000, 0xf8ff},   {0xfeff, 0xfeff},
      {0xfff9, 0xfffb},   {0xfffe, 0xffff},    {0x110bd, 0x110bd}, {0x1d173, 0x1d17a},
      {0xe0001, 0xe007f}, {0xf0000, 0x10ffff},
  };
  for (const auto& r : hidden)
    if (c >= r.lo && c <= r.hi) return false;
  return true;
}

}  // namespace vigil::promql
