#include "runtime/wire/escape.hpp"

#include "storage/base/utf8.hpp"

namespace vigil::wire {
namespace {

// The character a resolved escape stands for, or 0 when `c` after a
// backslash is not one of the three escapes.
char resolved(char c) noexcept {
  switch (c) {
    case '\\':
      return '\\';
    case '"':
      return '"';
    case 'n':
      return '\n';
    default:
      return 0;
  }
}

}  // namespace

void append_unescaped(std::string_view raw, std::string& out) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      if (char r = resolved(raw[i + 1])) {
        out += r;
        ++i;
        continue;
      }
    }
    out += c;
  }
}

std::size_t unescaped_code_points(std::string_view raw) noexcept {
  std::size_t resolved_pairs = 0;
  for (std::size_t i = 0; i + 1 < raw.size(); ++i) {
    if (raw[i] == '\\' && resolved(raw[i + 1])) {
      ++resolved_pairs;
      ++i;
    }
  }
  return code_points(raw) - resolved_pairs;
}

}  // namespace vigil::wire
