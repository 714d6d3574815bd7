#include "config/yaml_reader.hpp"

#include <algorithm>
#include <charconv>

namespace vigil::config::detail {

std::string child_path(std::string_view parent, std::string_view key) {
  std::string out{parent};
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

std::string item_path(std::string_view parent, size_t index) {
  return std::string{parent} + "[" + std::to_string(index) + "]";
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return "\"" + node.Scalar() + "\"";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    default:
      return "nothing";
  }
}

void collector::report(const YAML::Mark& mark, std::string_view path, std::string message) {
  // yaml-cpp counts from 0 and uses -1 for "no position".
  diagnostics_.push_back({file_, std::max(mark.line, 0) + 1, std::max(mark.column, 0) + 1,
                          path.empty() ? "<document>" : std::string{path}, std::move(message)});
}

std::vector<diagnostic> collector::take() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const auto& a, const auto& b) {
    return std::pair{a.line, a.column} < std::pair{b.line, b.column};
  });
  return std::move(diagnostics_);
}

std::optional<std::string> as_string(const value& v, collector& out) {
  if (v.node.IsScalar()) return v.node.Scalar();
  out.report(v, "expected a string, got " + describe(v.node));
  return std::nullopt;
}

std::optional<std::string> as_non_empty_string(const value& v, collector& out) {
  if (v.node.IsScalar() && !v.node.Scalar().empty()) return v.node.Scalar();
  out.report(v, "expected a non-empty string, got " + describe(v.node));
  return std::nullopt;
}

std::optional<std::string> as_identifier(const value& v, collector& out) {
  auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  };
  if (v.node.IsScalar() && !v.node.Scalar().empty() &&
      std::all_of(v.node.Scalar().begin(), v.node.Scalar().end(), allowed))
    return v.node.Scalar();
  out.report(v, "expected a name of letters, digits, '_', '.' or '-', got " + describe(v.node));
  return std::nullopt;
}

std::optional<duration> as_positive_duration(const value& v, collector& out) {
  if (!v.node.IsScalar()) {
    out.report(v, "expected a duration like 15s or 1h30m, got " + describe(v.node));
    return std::nullopt;
  }
  auto d = parse_duration(v.node.Scalar());
  if (!d) {
    out.report(v, d.error_value().message);
    return std::nullopt;
  }
  if (d->count() <= 0) {
    out.report(v, "expected a duration greater than 0, got " + describe(v.node));
    return std::nullopt;
  }
  return *d;
}

std::string expected_integer(uint64_t min, uint64_t max, std::string_view got) {
  std::string range =
      max == std::numeric_limits<uint64_t>::max() || max == std::numeric_limits<uint32_t>::max()
          ? ">= " + std::to_string(min)
          : "between " + std::to_string(min) + " and " + std::to_string(max);
  return "expected an integer " + range + ", got " + std::string{got};
}

std::optional<uint64_t> as_integer(const value& v, collector& out, uint64_t min, uint64_t max) {
  uint64_t n = 0;
  if (v.node.IsScalar()) {
    const std::string& s = v.node.Scalar();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    // from_chars accepts no sign for unsigned types; require the whole text.
    if (!s.empty() && ec == std::errc{} && end == s.data() + s.size() && n >= min && n <= max)
      return n;
  }
  out.report(v, expected_integer(min, max, describe(v.node)));
  return std::nullopt;
}

std::vector<value> as_list(const value& v, collector& out) {
  std::vector<value> items;
  if (v.node.IsNull()) return items;
  if (!v.node.IsSequence()) {
    out.report(v, "expected a list, got " + describe(v.node));
    return items;
  }
  for (const YAML::Node& item : v.node) {
    items.push_back({item, item_path(v.path, items.size()), item.IsNull() ? v.mark : item.Mark()});
  }
  return items;
}

bool unique_set::add(const std::string& key, const value& at, collector& out,
                     std::string_view description) {
  auto it =
      std::find_if(first_.begin(), first_.end(), [&](const auto& f) { return f.first == key; });
  if (it == first_.end()) {
    first_.emplace_back(key, at.path);
    return true;
  }
  out.report(at, std::string{description} + " (already used by " + it->second + ")");
  return false;
}

mapping::mapping(value v, collector& out) : self_(std::move(v)), out_(out) {
  if (self_.node.IsNull()) return;
  if (!self_.node.IsMap()) {
    out_.report(self_, "expected a mapping, got " + describe(self_.node));
    return;
  }
  for (auto it = self_.node.begin(); it != self_.node.end(); ++it) {
    if (!it->first.IsScalar()) {
      out_.report(it->first.Mark(), self_.path,
                  "expected a string key, got " + describe(it->first));
      continue;
    }
    std::string key = it->first.Scalar();
    if (find(key) != nullptr) {
      out_.report(it->first.Mark(), child_path(self_.path, key),
                  "duplicate key \"" + key + "\" (each key may appear once)");
      continue;
    }
    entries_.push_back({std::move(key), it->first, it->second});
  }
}

const mapping::entry* mapping::find(std::string_view key) const {
  auto it =
      std::find_if(entries_.begin(), entries_.end(), [&](const auto& e) { return e.key == key; });
  return it == entries_.end() ? nullptr : &*it;
}

value mapping::make_value(const entry& e) const {
  // A null value ("key:" with nothing after it) has the position of whatever
  // follows, so point at the key instead.
  return {e.value_node, child_path(self_.path, e.key),
          e.value_node.IsNull() ? e.key_node.Mark() : e.value_node.Mark()};
}

std::optional<value> mapping::field(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
  const entry* e = find(key);
  if (e == nullptr) return std::nullopt;
  return make_value(*e);
}

void mapping::missing(std::string_view fields, std::string_view why) {
  if (!is_mapping()) return;
  std::string message = "missing required field " + std::string{fields};
  if (!why.empty()) message += " (" + std::string{why} + ")";
  out_.report(self_, std::move(message));
}

std::optional<value> mapping::required(std::string_view key, std::string_view why) {
  auto v = field(key);
  if (!v) missing("\"" + std::string{key} + "\"", why);
  return v;
}

bool mapping::rejected(std::string_view key) const {
  return std::find(rejected_.begin(), rejected_.end(), key) != rejected_.end();
}

std::vector<std::pair<value, value>> mapping::entries() {
  all_known_ = true;
  std::vector<std::pair<value, value>> out;
  for (const auto& e : entries_)
    out.emplace_back(value{e.key_node, child_path(self_.path, e.key), e.key_node.Mark()},
                     make_value(e));
  return out;
}

void mapping::finish() {
  if (all_known_) return;
  std::string expected;
  for (const auto& k : known_) expected += (expected.empty() ? "" : ", ") + k;
  for (const auto& e : entries_) {
    if (std::find(known_.begin(), known_.end(), e.key) != known_.end()) continue;
    out_.report(e.key_node.Mark(), child_path(self_.path, e.key),
                "unknown key \"" + e.key + "\" (expected one of: " + expected + ")");
  }
}

}  // namespace vigil::config::detail
