#include "storage/base/labels.hpp"

// The streaming state is only a complete type with static linking
// declarations; the library is still linked dynamically.
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include <algorithm>

namespace vigil {
namespace {

bool name_char(char c, bool first, bool colon_ok) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
  if (colon_ok && c == ':') return true;
  return !first && c >= '0' && c <= '9';
}

bool valid_name(std::string_view name, bool colon_ok) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (!name_char(name[i], i == 0, colon_ok)) return false;
  return true;
}

}  // namespace

bool valid_label_name(std::string_view name) { return valid_name(name, false); }
bool valid_metric_name(std::string_view name) { return valid_name(name, true); }

expected<labels> labels::from(std::vector<label> pairs) {
  std::erase_if(pairs, [](const label& l) { return l.value.empty(); });
  std::sort(pairs.begin(), pairs.end(),
            [](const label& a, const label& b) { return a.name < b.name; });
  for (size_t i = 0; i < pairs.size(); ++i) {
    const auto& name = pairs[i].name;
    if (name == metric_name_label) {
      if (!valid_metric_name(pairs[i].value))
        return error{errc::invalid_argument, "invalid metric name \"" + pairs[i].value + "\""};
    } else if (!valid_label_name(name)) {
      return error{errc::invalid_argument, "invalid label name \"" + name + "\""};
    }
    if (i > 0 && pairs[i - 1].name == name)
      return error{errc::invalid_argument, "duplicate label name \"" + name + "\""};
  }
  return labels{std::move(pairs)};
}

std::string_view labels::get(std::string_view name) const {
  auto it = std::lower_bound(pairs_.begin(), pairs_.end(), name,
                             [](const label& l, std::string_view n) { return l.name < n; });
  return it != pairs_.end() && it->name == name ? std::string_view{it->value} : std::string_view{};
}

uint64_t labels::hash() const {
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  // 0xff never occurs in UTF-8, so it separates names and values unambiguously.
  constexpr char sep = '\xff';
  for (const auto& l : pairs_) {
    XXH3_64bits_update(&state, l.name.data(), l.name.size());
    XXH3_64bits_update(&state, &sep, 1);
    XXH3_64bits_update(&state, l.value.data(), l.value.size());
    XXH3_64bits_update(&state, &sep, 1);
  }
  return XXH3_64bits_digest(&state);
}

std::string labels::to_string() const {
  std::string out{metric_name()};
  out += '{';
  bool first = true;
  for (const auto& l : pairs_) {
    if (l.name == metric_name_label) continue;
    if (!first) out += ", ";
    first = false;
    out += l.name;
    out += "=\"";
    for (char c : l.value) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace vigil
