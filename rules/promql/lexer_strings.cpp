// Quoted strings of the lexer (see lexer.hpp): "..." and '...' with Go's
// escapes, checked as Go's scanner checks them, and `...` raw strings.

#include <cstdio>

#include "rules/promql/lexer.hpp"
#include "rules/promql/literals.hpp"
#include "rules/promql/utf8.hpp"

namespace vigil::promql {
namespace {

// Go's %#U: "U+0063 'c'", or just "U+000A" when not printable.
std::string unicode_name(char32_t r) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(r));
  std::string out = buf;
  if (r >= 0x20 && is_printable(r)) {
    out += " '";
    if (!append_utf8(out, r)) out += "\xef\xbf\xbd";
    out += '\'';
  }
  return out;
}

}  // namespace

token lexer::lex_string(char quote_char) {
  for (;;) {
    int c = peek();
    if (c < 0 || c == '\n') return fail("unterminated quoted string");
    if (c == quote_char) {
      ++pos_;
      return emit(token_kind::string);
    }
    if (c == '\\') {
      ++pos_;
      if (!scan_escape(quote_char)) return token{token_kind::error, start_, error_};
      continue;
    }
    char32_t r;
    size_t width = decode_utf8(in_.substr(pos_), r);
    if (width == 0) return fail("invalid UTF-8 rune");
    pos_ += width;
  }
}

token lexer::lex_raw_string() {
  for (;;) {
    int c = peek();
    if (c < 0) return fail("unterminated raw string");
    if (c == '`') {
      ++pos_;
      return emit(token_kind::string);
    }
    char32_t r;
    size_t width = decode_utf8(in_.substr(pos_), r);
    if (width == 0) return fail("invalid UTF-8 rune");
    pos_ += width;
  }
}

// Checks the escape sequence after a backslash, as Go's scanner does.
bool lexer::scan_escape(char quote_char) {
  auto next_rune = [&]() -> int {
    if (pos_ >= in_.size()) return -1;
    size_t width;
    char32_t r = decode_rune(in_.substr(pos_), width);
    pos_ += width;
    return static_cast<int>(r);
  };
  int c = next_rune();
  if (c >= 0 &&
      (std::string_view{"abfnrtv\\"}.find(static_cast<char>(c)) != std::string_view::npos ||
       c == quote_char))
    return true;
  int digits = 0;
  uint32_t base = 16, max = 0x10ffff;
  if (c >= '0' && c <= '7') {  // three octal digits, this one first
    digits = 3, base = 8, max = 255;
  } else if (c == 'x' || c == 'u' || c == 'U') {
    digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
    if (c == 'x') max = 255;
    c = next_rune();
  } else {
    fail(c < 0 ? std::string{"escape sequence not terminated"}
               : "unknown escape sequence " + unicode_name(static_cast<char32_t>(c)));
    return false;
  }
  uint32_t value = 0;
  for (; digits > 0; --digits) {
    uint32_t d = static_cast<uint32_t>(c < 0 ? 16 : hex_digit_value(c));
    if (d >= base) {
      fail(c < 0 ? "escape sequence not terminated"
                 : "illegal character " + unicode_name(static_cast<char32_t>(c)) +
                       " in escape sequence");
      return false;
    }
    value = value * base + d;
    if (digits > 1) c = next_rune();
  }
  if (value > max || (value >= 0xd800 && value < 0xe000)) {
    fail("escape sequence is an invalid Unicode code point");
    return false;
  }
  return true;
}

}  // namespace vigil::promql
