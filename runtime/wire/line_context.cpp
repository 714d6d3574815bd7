#include "runtime/wire/line_context.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>

namespace vigil::wire {
namespace {

constexpr std::size_t excerpt_before = 12;
constexpr std::size_t excerpt_after = 36;
constexpr std::size_t quote_limit = 64;

void append_escaped(std::string_view text, std::string& out) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    } else {
      out += c;
    }
  }
}

// The largest cut <= `at` that does not split a UTF-8 sequence.
std::size_t char_boundary(std::string_view text, std::size_t at) {
  at = std::min(at, text.size());
  while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  return at;
}

// `text` from byte `from` (a character boundary) for about `length` bytes.
std::string_view cut(std::string_view text, std::size_t from, std::size_t length) {
  return text.substr(from, char_boundary(text, from + length) - from);
}

}  // namespace

error line_context::fail(const char* at, std::string_view what) const {
  // std::less gives a total order even for pointers into other buffers.
  std::less<const char*> before;
  const char* end = text.data() + text.size();
  std::size_t offset =
      before(at, text.data()) || before(end, at) ? 0 : std::size_t(at - text.data());
  std::string message = "line " + std::to_string(number) + ", column " +
                        std::to_string(offset + 1) + ": " + std::string(what);
  std::size_t from = char_boundary(text, offset > excerpt_before ? offset - excerpt_before : 0);
  std::string_view excerpt = cut(text, from, excerpt_before + excerpt_after);
  if (excerpt.empty()) return error{errc::parse_error, std::move(message)};
  message += " near \"";
  if (from > 0) message += "...";
  append_escaped(excerpt, message);
  if (from + excerpt.size() < text.size()) message += "...";
  message += '"';
  return error{errc::parse_error, std::move(message)};
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  append_escaped(cut(text, 0, quote_limit), out);
  if (text.size() > quote_limit) out += "...";
  out += '"';
  return out;
}

}  // namespace vigil::wire
