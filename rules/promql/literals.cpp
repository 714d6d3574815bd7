#include "rules/promql/literals.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "rules/promql/utf8.hpp"

namespace vigil::promql {
namespace {

error syntax(std::string_view what, std::string_view text) {
  return {errc::parse_error,
          "strconv." + std::string{what} + ": parsing " + quote(text) + ": invalid syntax"};
}

// Reads the escape after a backslash at s[i] (s[i] is the character after
// the backslash) and appends its value. Returns the index after it, or 0.
size_t unescape(std::string_view s, size_t i, char quote_char, std::string& out) {
  char c = s[i++];
  switch (c) {
    case 'a':
      out += '\a';
      return i;
    case 'b':
      out += '\b';
      return i;
    case 'f':
      out += '\f';
      return i;
    case 'n':
      out += '\n';
      return i;
    case 'r':
      out += '\r';
      return i;
    case 't':
      out += '\t';
      return i;
    case 'v':
      out += '\v';
      return i;
    case '\\':
      out += '\\';
      return i;
    default:
      break;
  }
  if (c == quote_char) {
    out += c;
    return i;
  }
  int base = 16;
  size_t digits = 0;
  if (c == 'x') {
    digits = 2;
  } else if (c == 'u') {
    digits = 4;
  } else if (c == 'U') {
    digits = 8;
  } else if (c >= '0' && c <= '7') {
    base = 8;
    digits = 2;  // the first digit is c itself
  } else {
    return 0;
  }
  uint32_t v = base == 8 ? static_cast<uint32_t>(c - '0') : 0;
  for (size_t k = 0; k < digits; ++k, ++i) {
    int d = i < s.size() ? hex_digit_value(s[i]) : 16;
    if (d >= base) return 0;
    v = v * base + d;
  }
  if (c == 'x' || base == 8) {  // one byte, possibly not UTF-8
    if (v > 255) return 0;
    out += static_cast<char>(v);
  } else if (!append_utf8(out, v)) {
    return 0;
  }
  return i;
}

// Go's underscoreOK: underscores only between digits or after a base prefix.
bool underscores_ok(std::string_view s) {
  char saw = '^';  // '^' start, '0' digit or prefix, '_' underscore, '!' other
  size_t i = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) ++i;
  bool hex = false;
  if (s.size() - i >= 2 && s[i] == '0') {
    char p = static_cast<char>(s[i + 1] | 0x20);
    if (p == 'x' || p == 'o' || p == 'b') {
      hex = p == 'x';
      i += 2;
      saw = '0';
    }
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && hex_digit_value(c) < 16)) {
      saw = '0';
    } else if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
    } else {
      if (saw == '_') return false;
      saw = '!';
    }
  }
  return saw != '_';
}

// Go's strconv.ParseInt(s, 0, 64) for unsigned text: nullopt when it is not
// an integer or does not fit.
std::optional<int64_t> parse_int(std::string_view s) {
  int base = 10;
  if (s.size() >= 2 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x')
      base = 16, s.remove_prefix(2);
    else if (p == 'o')
      base = 8, s.remove_prefix(2);
    else if (p == 'b')
      base = 2, s.remove_prefix(2);
    else
      base = 8, s.remove_prefix(1);
  }
  if (s.empty()) return base == 8 ? std::optional<int64_t>{0} : std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c == '_') continue;
    int d = hex_digit_value(c);
    if (d >= base) return std::nullopt;
    if (v > (static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - d) / base)
      return std::nullopt;
    v = v * base + d;
  }
  return static_cast<int64_t>(v);
}

// Whether a decimal that std::from_chars called out of range is too large
// (true) or too small (false): where its first significant digit sits.
bool overflows(std::string_view s) {
  int64_t point = -1, first = -1;
  size_t i = 0;
  for (; i < s.size() && s[i] != 'e' && s[i] != 'E'; ++i) {
    if (s[i] == '.')
      point = static_cast<int64_t>(i);
    else if (first < 0 && s[i] > '0' && s[i] <= '9')
      first = static_cast<int64_t>(i);
  }
  if (point < 0) point = static_cast<int64_t>(i);
  int64_t exponent = 0;
  if (i + 1 < s.size()) {
    std::string_view e = s.substr(i + 1);
    if (e.front() == '+') e.remove_prefix(1);
    std::from_chars(e.data(), e.data() + e.size(), exponent);
  }
  // The power of ten of the first significant digit, plus one.
  int64_t magnitude = (first < point ? point - first : point - first + 1) + exponent;
  return magnitude > 0;
}

}  // namespace

int hex_digit_value(int c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 16;
}

expected<std::string> unquote(std::string_view q) {
  if (q.size() < 2 || q.front() != q.back()) return syntax("Unquote", q);
  char quote_char = q.front();
  std::string_view s = q.substr(1, q.size() - 2);
  if (quote_char == '`') {
    if (s.find('`') != std::string_view::npos) return syntax("Unquote", q);
    return std::string{s};
  }
  if ((quote_char != '"' && quote_char != '\'') || s.find('\n') != std::string_view::npos)
    return syntax("Unquote", q);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] == quote_char) return syntax("Unquote", q);
    if (s[i] != '\\') {
      out += s[i++];
      continue;
    }
    if (i + 1 >= s.size() || (i = unescape(s, i + 1, quote_char, out)) == 0)
      return syntax("Unquote", q);
  }
  return out;
}

std::string quote(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    char32_t r = 0;
    size_t width = decode_utf8(s.substr(i), r);
    if (width == 0) {  // not UTF-8: the byte as \xNN
      unsigned char b = static_cast<unsigned char>(s[i++]);
      (out += "\\x") += hex[b >> 4];
      out += hex[b & 15];
      continue;
    }
    switch (r) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        if (r < 0x20 || r == 0x7f) {
          (out += "\\x") += hex[r >> 4];
          out += hex[r & 15];
        } else if (!is_printable(r)) {
          bool wide = r > 0xffff;
          out += wide ? "\\U" : "\\u";
          for (int shift = wide ? 28 : 12; shift >= 0; shift -= 4) out += hex[(r >> shift) & 15];
        } else {
          out += s.substr(i, width);
        }
    }
    i += width;
  }
  out += '"';
  return out;
}

std::string quote_rune(char32_t r) {
  if (r == '\'') return "'\\''";
  if (r == '"') return "'\"'";
  std::string body;
  if (!append_utf8(body, r)) body = "\xef\xbf\xbd";  // U+FFFD
  std::string q = quote(body);
  return "'" + q.substr(1, q.size() - 2) + "'";
}

expected<double> parse_number(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (!underscores_ok(text)) return syntax("ParseFloat", text);
  double sign = negative ? -1.0 : 1.0;
  if (auto i = parse_int(s)) return sign * static_cast<double>(*i);
  if (s.size() >= 2 && s[0] == '0' && std::string_view{"xXoObB"}.find(s[1]) != s.npos)
    return syntax("ParseFloat", text);  // a prefixed integer that overflowed: no hex floats
  std::string digits;
  for (char c : s)
    if (c != '_') digits += c;
  double v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (end != digits.data() + digits.size() || digits.empty()) return syntax("ParseFloat", text);
  if (ec == std::errc::result_out_of_range) {
    if (overflows(digits))
      return error{errc::parse_error,
                   "strconv.ParseFloat: parsing " + quote(text) + ": value out of range"};
    v = 0;
  } else if (ec != std::errc{}) {
    return syntax("ParseFloat", text);
  }
  return sign * v;
}

std::string format_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Shortest digits in scientific form, laid out without an exponent.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view sci{buf, static_cast<size_t>(end - buf)};
  std::string out;
  if (sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  size_t e = sci.find('e');
  std::string digits{sci.substr(0, e)};
  if (digits.size() > 1) digits.erase(1, 1);  // drop the point
  int exponent = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+'), sci.data() + sci.size(), exponent);
  int int_digits = exponent + 1;  // digits before the decimal point
  if (int_digits <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-int_digits), '0');
    out += digits;
  } else if (static_cast<size_t>(int_digits) >= digits.size()) {
    out += digits;
    out.append(int_digits - digits.size(), '0');
  } else {
    out += digits.substr(0, int_digits);
    out += '.';
    out += digits.substr(int_digits);
  }
  return out;
}

std::string format_g(double v) {
  if (std::isnan(v) || std::isinf(v)) return format_number(v);
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci{buf, end};
  // Go's threshold for shortest %g; to_chars writes the exponent as Go does
  // (sign and at least two digits).
  int exponent = std::stoi(sci.substr(sci.find('e') + 1));
  return exponent < -4 || exponent >= 6 ? sci : format_number(v);
}

}  // namespace vigil::promql
