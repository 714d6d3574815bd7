// Target groups: the reader shared by static_configs and file_sd YAML files,
// and file_sd JSON files.
//
// JSON goes through nlohmann's SAX parser into a small tree that remembers
// where each value starts, so that JSON problems carry FILE:LINE:COL like
// YAML ones. nlohmann 3.11 reports no positions for values, only for parse
// errors; the positions come from an input iterator that records how far
// the parser has read (see `json_builder`).

#include "config/file_sd.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iterator>
#include <nlohmann/json.hpp>

#include "config/sections.hpp"

namespace vigil::config {
namespace detail {

void read_target_group(mapping& m, scrape::target_group& out) {
  if (auto targets = m.field("targets")) {
    for (const auto& item : as_list(*targets, m.out())) {
      if (auto t = as_non_empty_string(item, m.out())) out.targets.push_back(std::move(*t));
    }
  }
  m.section("labels", [&](mapping& labels) {
    for (const auto& [key, val] : labels.entries()) {
      const std::string& name = key.node.Scalar();
      bool ok = valid_label_name(name);
      if (!ok)
        labels.out().report(
            key, "invalid label name \"" + name + "\" (expected [a-zA-Z_][a-zA-Z0-9_]*)");
      auto text = as_string(val, labels.out());
      if (ok && text) out.labels.push_back({name, std::move(*text)});
    }
  });
}

}  // namespace detail

namespace {

using detail::collector;

// --- YAML ---------------------------------------------------------------------

std::vector<scrape::target_group> read_yaml(std::string_view text, collector& out) {
  std::vector<scrape::target_group> groups;
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(std::string{text});
    if (documents.size() > 1) {
      out.report(documents[1].Mark(), "",
                 "expected a single YAML document, found " + std::to_string(documents.size()));
    }
    YAML::Node root = documents.empty() ? YAML::Node{} : documents.front();
    for (auto& item : detail::as_list({root, "", root.Mark()}, out)) {
      if (item.node.IsNull()) {
        out.report(item, "expected a target group (a mapping), got nothing");
        continue;
      }
      detail::mapping m{std::move(item), out};
      detail::read_target_group(m, groups.emplace_back());
      m.finish();
    }
  } catch (const YAML::Exception& e) {
    out.report(e.mark, "", "invalid YAML: " + e.msg);
  }
  return groups;
}

// --- JSON ---------------------------------------------------------------------

struct json_member;

struct json_value {
  enum class kind { null, boolean, number, string, list, object };
  kind type = kind::null;
  std::string text;  // a string's value; a number or boolean as written
  size_t offset = 0;
  std::vector<json_value> items;     // a list's
  std::vector<json_member> members;  // an object's, in document order
};

struct json_member {
  std::string key;
  size_t key_offset = 0;
  json_value value;
};

std::string describe(const json_value& v) {
  switch (v.type) {
    case json_value::kind::string:
      return "\"" + v.text + "\"";
    case json_value::kind::number:
    case json_value::kind::boolean:
      return v.text;
    case json_value::kind::list:
      return "a list";
    case json_value::kind::object:
      return "a mapping";
    case json_value::kind::null:
      break;
  }
  return "null";
}

// Hands nlohmann the text one character at a time and records how far it
// has read.
class counting_iterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  counting_iterator(const char* at, const char** furthest) : at_(at), furthest_(furthest) {}
  reference operator*() const { return *at_; }
  counting_iterator& operator++() {
    *furthest_ = ++at_;
    return *this;
  }
  counting_iterator operator++(int) {
    auto old = *this;
    ++*this;
    return old;
  }
  friend bool operator==(const counting_iterator& a, const counting_iterator& b) {
    return a.at_ == b.at_;
  }

 private:
  const char* at_;
  const char** furthest_;
};

bool is_number_char(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// nlohmann's SAX interface, building a json_value tree. When an event
// arrives the parser has read exactly to the end of the token (a number:
// one character past it, unless the text ends there), so a value's start is
// found by walking back over the token.
class json_builder {
 public:
  explicit json_builder(std::string_view text) : text_(text), furthest_(text.data()) {}

  [[nodiscard]] counting_iterator begin() { return {text_.data(), &furthest_}; }
  [[nodiscard]] counting_iterator end() { return {text_.data() + text_.size(), &furthest_}; }

  bool null() { return add(json_value::kind::null, read() - 4, "null"); }
  bool boolean(bool b) {
    return add(json_value::kind::boolean, read() - (b ? 4 : 5), b ? "true" : "false");
  }
  bool number_integer(int64_t) { return number(); }
  bool number_unsigned(uint64_t) { return number(); }
  bool number_float(double, const std::string&) { return number(); }
  bool string(std::string& s) {
    return add(json_value::kind::string, string_start(), std::move(s));
  }
  bool binary(nlohmann::json::binary_t&) { return true; }  // not in JSON text
  bool start_object(size_t) { return open(json_value::kind::object); }
  bool end_object() { return close(); }
  bool start_array(size_t) { return open(json_value::kind::list); }
  bool end_array() { return close(); }
  bool key(std::string& k) {
    key_ = std::move(k);
    key_offset_ = string_start();
    return true;
  }
  bool parse_error(size_t position, const std::string&, const nlohmann::json::exception& e) {
    error_offset_ = position > 0 ? position - 1 : 0;
    // Drop "[json.exception.parse_error.101] parse error at line 1, column
    // 5: ": the position is reported in our format.
    error_ = e.what();
    auto column = error_.find("column ");
    auto colon = column == std::string::npos ? column : error_.find(": ", column);
    if (colon != std::string::npos) error_.erase(0, colon + 2);
    return false;
  }

  [[nodiscard]] const json_value& root() const { return root_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] size_t error_offset() const { return error_offset_; }

 private:
  [[nodiscard]] size_t read() const { return static_cast<size_t>(furthest_ - text_.data()); }

  [[nodiscard]] size_t string_start() const {
    // The opening quote: the nearest one before the closing quote that no
    // odd run of backslashes escapes.
    for (size_t i = read() - 1; i-- > 0;) {
      if (text_[i] != '"') continue;
      size_t slashes = 0;
      while (i > slashes && text_[i - 1 - slashes] == '\\') ++slashes;
      if (slashes % 2 == 0) return i;
    }
    return 0;
  }

  bool number() {
    size_t end = read();
    if (end > 0 && !is_number_char(text_[end - 1])) --end;
    size_t start = end;
    while (start > 0 && is_number_char(text_[start - 1])) --start;
    return add(json_value::kind::number, start, std::string{text_.substr(start, end - start)});
  }

  bool add(json_value::kind type, size_t offset, std::string text) {
    json_value v{type, std::move(text), offset, {}, {}};
    if (stack_.empty()) {
      root_ = std::move(v);
      last_ = &root_;
    } else if (stack_.back()->type == json_value::kind::list) {
      last_ = &stack_.back()->items.emplace_back(std::move(v));
    } else {
      last_ =
          &stack_.back()->members.emplace_back(std::move(key_), key_offset_, std::move(v)).value;
    }
    return true;
  }
  bool open(json_value::kind type) {
    add(type, read() - 1, {});
    stack_.push_back(last_);
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  std::string_view text_;
  const char* furthest_;
  json_value root_;
  json_value* last_ = nullptr;
  std::vector<json_value*> stack_;  // open lists and objects; none moves while open
  std::string key_;
  size_t key_offset_ = 0;
  std::string error_;
  size_t error_offset_ = 0;
};

// The 0-based line and column of byte `offset`, as yaml-cpp's marks.
YAML::Mark mark_at(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  auto before = text.substr(0, offset);
  auto newline = before.rfind('\n');
  YAML::Mark mark;
  mark.pos = static_cast<int>(offset);
  mark.line = static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  mark.column = static_cast<int>(newline == std::string_view::npos ? offset : offset - newline - 1);
  return mark;
}

// Checks a parsed JSON document against the target group schema.
class json_checker {
 public:
  json_checker(std::string_view text, collector& out) : text_(text), out_(out) {}

  std::vector<scrape::target_group> groups(const json_value& root) {
    std::vector<scrape::target_group> groups;
    if (root.type != json_value::kind::list) {
      report(root.offset, "", "expected a list, got " + describe(root));
      return groups;
    }
    for (size_t i = 0; i < root.items.size(); ++i)
      group(root.items[i], detail::item_path("", i), groups.emplace_back());
    return groups;
  }

 private:
  void report(size_t offset, std::string_view path, std::string message) {
    out_.report(mark_at(text_, offset), path, std::move(message));
  }

  // Reports a member whose key was seen before in the same object.
  bool first_time(const std::vector<json_member>& members, size_t i, const std::string& path) {
    for (size_t j = 0; j < i; ++j) {
      if (members[j].key != members[i].key) continue;
      report(members[i].key_offset, path,
             "duplicate key \"" + members[i].key + "\" (each key may appear once)");
      return false;
    }
    return true;
  }

  // Calls visit(member, member_path) for the first occurrence of each key of
  // the object `v`; reports anything but an object.
  template <class Visit>
  void each_member(const json_value& v, const std::string& path, Visit visit) {
    if (v.type != json_value::kind::object) {
      report(v.offset, path, "expected a mapping, got " + describe(v));
      return;
    }
    for (size_t i = 0; i < v.members.size(); ++i) {
      const auto& m = v.members[i];
      std::string p = detail::child_path(path, m.key);
      if (first_time(v.members, i, p)) visit(m, p);
    }
  }

  void group(const json_value& v, const std::string& path, scrape::target_group& out) {
    each_member(v, path, [&](const auto& m, const std::string& p) {
      if (m.key == "targets")
        targets(m.value, p, out);
      else if (m.key == "labels")
        labels(m.value, p, out);
      else
        report(m.key_offset, p, "unknown key \"" + m.key + "\" (expected one of: targets, labels)");
    });
  }

  void targets(const json_value& v, const std::string& path, scrape::target_group& out) {
    if (v.type == json_value::kind::null) return;
    if (v.type != json_value::kind::list) {
      report(v.offset, path, "expected a list, got " + describe(v));
      return;
    }
    for (size_t i = 0; i < v.items.size(); ++i) {
      const auto& t = v.items[i];
      if (t.type == json_value::kind::string && !t.text.empty())
        out.targets.push_back(t.text);
      else
        report(t.offset, detail::item_path(path, i),
               "expected a non-empty string, got " + describe(t));
    }
  }

  void labels(const json_value& v, const std::string& path, scrape::target_group& out) {
    if (v.type == json_value::kind::null) return;
    each_member(v, path, [&](const auto& m, const std::string& p) {
      bool ok = valid_label_name(m.key);
      if (!ok)
        report(m.key_offset, p,
               "invalid label name \"" + m.key + "\" (expected [a-zA-Z_][a-zA-Z0-9_]*)");
      if (m.value.type != json_value::kind::string) {
        report(m.value.offset, p, "expected a string, got " + describe(m.value));
        ok = false;
      }
      if (ok) out.labels.push_back({m.key, m.value.text});
    });
  }

  std::string_view text_;
  collector& out_;
};

std::vector<scrape::target_group> read_json(std::string_view text, collector& out) {
  json_builder builder{text};
  if (!nlohmann::json::sax_parse(builder.begin(), builder.end(), &builder)) {
    out.report(mark_at(text, builder.error_offset()), "", "invalid JSON: " + builder.error());
    return {};
  }
  return json_checker{text, out}.groups(builder.root());
}

bool is_json(const std::string& file) {
  std::string ext = std::filesystem::path{file}.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".json";
}

}  // namespace

expected<std::vector<scrape::target_group>> parse_target_groups(std::string_view text,
                                                                const std::string& file) {
  collector out{file};
  auto groups = is_json(file) ? read_json(text, out) : read_yaml(text, out);
  auto diagnostics = out.take();
  if (!diagnostics.empty()) return to_error(diagnostics);
  for (size_t i = 0; i < groups.size(); ++i) {
    auto& g = groups[i];
    g.source = file + ":" + std::to_string(i);
    std::erase_if(g.labels, [](const label& l) { return l.name == "__meta_filepath"; });
    g.labels.push_back({"__meta_filepath", file});
  }
  return groups;
}

}  // namespace vigil::config
