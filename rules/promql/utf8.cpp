#include "rules/promql/utf8.hpp"

namespace vigil::promql {

char32_t decode_rune(std::string_view s, size_t& width) noexcept {
  char32_t r = 0xfffd;
  width = decode_utf8(s, r);
  if (width == 0 && !s.empty()) width = 1;
  return r;
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
