#include "storage/base/duration.hpp"

#include <array>
#include <cstdint>
#include <limits>

namespace vigil {
namespace {

struct unit {
  std::string_view suffix;
  int64_t millis;
};

// Largest first: a duration's terms must appear in this order.
constexpr std::array<unit, 7> units{{
    {"y", 365LL * 24 * 3600 * 1000},
    {"w", 7LL * 24 * 3600 * 1000},
    {"d", 24LL * 3600 * 1000},
    {"h", 3600LL * 1000},
    {"m", 60LL * 1000},
    {"s", 1000},
    {"ms", 1},
}};

error bad(std::string_view text, size_t pos, std::string_view what) {
  std::string msg = "invalid duration \"" + std::string{text} + "\": ";
  msg += what;
  msg += " at offset " + std::to_string(pos);
  msg += " (expected terms like 1y, 2w, 3d, 4h, 5m, 6s, 7ms, largest unit first)";
  return {errc::parse_error, std::move(msg)};
}

// Matches the unit at text[pos...]; "m" must not swallow the "m" of "ms".
int match_unit(std::string_view text, size_t pos) {
  for (size_t i = units.size(); i-- > 0;) {  // "ms" is tried before "m".
    if (text.substr(pos, units[i].suffix.size()) == units[i].suffix) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

expected<duration> parse_duration(std::string_view text) {
  if (text == "0") return duration{0};
  if (text.empty()) return bad(text, 0, "empty string");
  int64_t total = 0;
  int next_unit = 0;  // index into units of the smallest unit still allowed
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    int64_t n = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (n > (std::numeric_limits<int64_t>::max() - 9) / 10)
        return bad(text, start, "number too large");
      n = n * 10 + (text[pos++] - '0');
    }
    if (pos == start) return bad(text, pos, "expected a digit");
    int u = match_unit(text, pos);
    if (u < 0) return bad(text, pos, pos == text.size() ? "missing unit" : "unknown unit");
    if (u < next_unit) return bad(text, pos, "unit out of order or repeated");
    if (n > (std::numeric_limits<int64_t>::max() - total) / units[u].millis)
      return bad(text, start, "duration too large");
    total += n * units[u].millis;
    pos += units[u].suffix.size();
    next_unit = u + 1;
  }
  return duration{total};
}

std::string format_duration(duration d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out += '-';
    ms = -ms;
  }
  for (const auto& u : units) {
    if (ms >= u.millis) {
      out += std::to_string(ms / u.millis);
      out += u.suffix;
      ms %= u.millis;
    }
  }
  return out;
}

}  // namespace vigil
