#include "runtime/wire/line_scanner.hpp"

#include <array>
#include <cstdint>
#include <cstdio>

#include "runtime/wire/escape.hpp"
#include "storage/base/utf8.hpp"

namespace vigil::wire {
namespace {

// Character classes: one table lookup per byte on the hot paths.
enum char_class : std::uint8_t {
  metric_first = 1,  // [a-zA-Z_:]
  metric_next = 2,   // [a-zA-Z0-9_:]
  label_first = 4,   // [a-zA-Z_]
  label_next = 8,    // [a-zA-Z0-9_]
  plain = 16,        // inside quotes, bytes needing no attention: ASCII but '"' and '\'
};

constexpr std::array<std::uint8_t, 256> classes = [] {
  std::array<std::uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    std::uint8_t v = 0;
    if (letter || c == ':') v |= metric_first | metric_next;
    if (letter) v |= label_first | label_next;
    if (digit) v |= metric_next | label_next;
    if (c < 0x80 && c != '"' && c != '\\') v |= plain;
    table[std::size_t(c)] = v;
  }
  return table;
}();

// OpenMetrics caps the label names and values of an exemplar, together, at
// this many code points.
constexpr std::size_t exemplar_label_limit = 128;

bool is(char c, std::uint8_t cls) noexcept {
  return (classes[static_cast<unsigned char>(c)] & cls) != 0;
}

std::string describe(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u > 0x20 && u < 0x7f) return std::string{'\'', c, '\''};
  char hex[12];
  std::snprintf(hex, sizeof hex, "byte 0x%02x", u);
  return hex;
}

// A cursor over one line.
class scanner {
 public:
  scanner(const line_context& line, exposition_format format, const char* at)
      : line_(line),
        p_(at),
        end_(line.text.data() + line.text.size()),
        text_format_(format == exposition_format::prometheus_text) {}

  std::optional<error> sample(sample_line& out);
  expected<name_token> metric_name(std::string& storage);

 private:
  struct quoted {
    std::string_view text;
    bool escaped = false;
  };

  std::optional<error> label_set(sample_line& out, std::vector<raw_label>& labels, bool exemplar,
                                 bool& have_name);
  std::optional<error> label_value(raw_label& label);
  std::optional<error> exemplar(sample_line& out);
  std::optional<error> duplicates(const std::vector<raw_label>& labels, bool metric) const;
  expected<quoted> quoted_string(std::string_view what);
  std::optional<error> separator(std::string_view before_what);
  std::string_view bare_name(std::uint8_t next) noexcept;
  std::string_view token() noexcept;
  bool at(char c) const noexcept { return p_ < end_ && *p_ == c; }
  bool blank(char c) const noexcept { return c == ' ' || (text_format_ && c == '\t'); }
  void skip_blanks() noexcept {
    if (text_format_)
      while (p_ < end_ && blank(*p_)) ++p_;
  }
  error fail(const char* at, std::string_view what) const { return line_.fail(at, what); }

  const line_context& line_;
  const char* p_;
  const char* end_;
  bool text_format_;
};

void set_name(sample_line& out, std::string_view raw, bool escaped) {
  out.raw_name = raw;
  out.name_escaped = escaped;
  out.name = raw;
  if (!escaped) return;
  out.name_storage.clear();
  append_unescaped(raw, out.name_storage);
  out.name = out.name_storage;
}

std::optional<error> scanner::sample(sample_line& out) {
  out.labels.clear();
  out.exemplar_labels.clear();
  out.time = out.exemplar = out.exemplar_value = out.exemplar_time = {};
  set_name(out, {}, false);
  skip_blanks();
  const char* start = p_;
  bool have_name = false;
  if (p_ < end_ && is(*p_, metric_first)) {
    set_name(out, bare_name(metric_next), false);
    have_name = true;
  } else if (!at('{')) {
    return fail(p_, "expected a metric name");
  }
  const char* series_end = p_;
  skip_blanks();
  if (at('{')) {
    if (auto e = label_set(out, out.labels, false, have_name)) return e;
    if (!have_name) return fail(start, "the label set names no metric");
    series_end = p_;
  } else {
    p_ = series_end;
    if (p_ < end_ && !blank(*p_))
      return fail(p_, "unexpected " + describe(*p_) + " after metric name " + quote(out.name) +
                          " (quote other names inside the braces: {\"a.b\"})");
  }
  out.series = {start, std::size_t(series_end - start)};
  if (auto e = duplicates(out.labels, true)) return e;

  if (auto e = separator("the value")) return e;
  out.value = token();
  if (out.value.empty()) return fail(p_, "expected a value");
  if (text_format_) {
    skip_blanks();
    out.time = token();
    skip_blanks();
    if (p_ != end_) return fail(p_, "unexpected text after the timestamp");
    return std::nullopt;
  }
  if (p_ == end_) return std::nullopt;
  ++p_;  // the space that ended the value
  if (!at('#')) {
    out.time = token();
    if (out.time.empty()) return fail(p_, "expected a timestamp or an exemplar after ' '");
    if (p_ == end_) return std::nullopt;
    ++p_;
  }
  return exemplar(out);
}

std::optional<error> scanner::exemplar(sample_line& out) {
  if (end_ - p_ < 3 || p_[0] != '#' || p_[1] != ' ' || p_[2] != '{')
    return fail(p_, "expected an exemplar \"# {labels} value\"");
  out.exemplar = {p_, std::size_t(end_ - p_)};
  p_ += 2;
  bool no_name = false;
  if (auto e = label_set(out, out.exemplar_labels, true, no_name)) return e;
  if (auto e = duplicates(out.exemplar_labels, false)) return e;
  std::size_t length = 0;
  for (const auto& l : out.exemplar_labels)
    length += unescaped_code_points(l.name) + unescaped_code_points(l.value);
  if (length > exemplar_label_limit)
    return fail(out.exemplar.data(), "the exemplar's label names and values have " +
                                         std::to_string(length) + " characters, more than " +
                                         std::to_string(exemplar_label_limit));
  if (auto e = separator("the exemplar value")) return e;
  out.exemplar_value = token();
  if (out.exemplar_value.empty()) return fail(p_, "expected the exemplar value");
  if (p_ == end_) return std::nullopt;
  ++p_;
  out.exemplar_time = token();
  if (out.exemplar_time.empty()) return fail(p_, "expected the exemplar timestamp after ' '");
  if (p_ != end_) return fail(p_, "unexpected text after the exemplar timestamp");
  return std::nullopt;
}

// At '{'. A quoted string followed by ',' or '}' is the metric name (not in
// exemplars); anything else is name="value".
std::optional<error> scanner::label_set(sample_line& out, std::vector<raw_label>& labels,
                                        bool exemplar, bool& have_name) {
  ++p_;
  skip_blanks();
  if (at('}')) {
    ++p_;
    return std::nullopt;
  }
  for (;;) {
    const char* item = p_;
    raw_label label;
    bool quoted_name = at('"');
    if (quoted_name) {
      auto q = quoted_string("label name");
      if (!q) return std::move(q).error_value();
      label.name = q->text;
      label.name_escaped = q->escaped;
    } else if (p_ < end_ && is(*p_, label_first)) {
      label.name = bare_name(label_next);
    } else {
      return fail(p_, p_ == end_ ? "unterminated label set" : "expected a label name");
    }
    skip_blanks();
    if (quoted_name && !exemplar && (at(',') || at('}'))) {
      if (have_name) return fail(item, "the metric name is given twice");
      if (label.name.empty()) return fail(item, "empty metric name");
      set_name(out, label.name, label.name_escaped);
      have_name = true;
    } else {
      if (auto e = label_value(label)) return e;
      labels.push_back(label);
    }
    skip_blanks();
    if (at(',')) {
      ++p_;
      skip_blanks();
      if (text_format_ && at('}')) break;  // a trailing comma, as Prometheus allows
      continue;
    }
    if (at('}')) break;
    return fail(p_, "expected ',' or '}' after label " + quote(label.name));
  }
  ++p_;
  return std::nullopt;
}

// After a label name: = "value".
std::optional<error> scanner::label_value(raw_label& label) {
  if (label.name.empty()) return fail(p_, "empty label name");
  if (!at('=')) return fail(p_, "expected '=' after label name " + quote(label.name));
  ++p_;
  skip_blanks();
  if (!at('"')) return fail(p_, "expected '\"' to open the value of label " + quote(label.name));
  auto q = quoted_string("label value");
  if (!q) return std::move(q).error_value();
  label.value = q->text;
  label.value_escaped = q->escaped;
  return std::nullopt;
}

std::optional<error> scanner::duplicates(const std::vector<raw_label>& labels, bool metric) const {
  // Quadratic, but label sets are short and this touches only their names.
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto& name = labels[i].name;
    if (metric && name == "__name__")
      return fail(name.data(), "label \"__name__\" repeats the metric name");
    for (std::size_t j = 0; j < i; ++j)
      if (labels[j].name == name) return fail(name.data(), "duplicate label name " + quote(name));
  }
  return std::nullopt;
}

// At '"'. The text format allows only \\, \" and \n; OpenMetrics keeps any
// other backslash pair as written.
expected<scanner::quoted> scanner::quoted_string(std::string_view what) {
  const char* open = p_++;
  const char* start = p_;
  bool escaped = false, ascii = true;
  while (p_ < end_) {
    char c = *p_;
    if (is(c, plain)) {
      ++p_;
    } else if (c == '"') {
      std::string_view text{start, std::size_t(p_ - start)};
      ++p_;
      if (!ascii && !valid_utf8(text)) return fail(open, std::string(what) + " is not valid UTF-8");
      return quoted{text, escaped};
    } else if (c == '\\') {
      if (p_ + 1 == end_) break;
      char e = p_[1];
      if (text_format_ && e != '\\' && e != '"' && e != 'n')
        return fail(p_, "invalid escape sequence \"\\" + std::string(1, e) + "\" in " +
                            std::string(what) + " (only \\\\, \\\" and \\n)");
      ascii = ascii && static_cast<unsigned char>(e) < 0x80;
      escaped = true;
      p_ += 2;
    } else {
      ascii = false;
      ++p_;
    }
  }
  return fail(open, "unterminated " + std::string(what) + ": missing the closing '\"'");
}

std::optional<error> scanner::separator(std::string_view before_what) {
  if (text_format_) {
    skip_blanks();
    return std::nullopt;
  }
  if (!at(' ')) return fail(p_, "expected ' ' before " + std::string(before_what));
  ++p_;
  return std::nullopt;
}

std::string_view scanner::bare_name(std::uint8_t next) noexcept {
  const char* start = p_++;
  while (p_ < end_ && is(*p_, next)) ++p_;
  return {start, std::size_t(p_ - start)};
}

std::string_view scanner::token() noexcept {
  const char* start = p_;
  while (p_ < end_ && !blank(*p_)) ++p_;
  return {start, std::size_t(p_ - start)};
}

expected<name_token> scanner::metric_name(std::string& storage) {
  if (p_ < end_ && is(*p_, metric_first)) {
    auto name = bare_name(metric_next);
    return name_token{name, p_};
  }
  if (!at('"')) return fail(p_, "expected a metric name");
  const char* open = p_;
  auto q = quoted_string("metric name");
  if (!q) return std::move(q).error_value();
  if (q->text.empty()) return fail(open, "empty metric name");
  if (!q->escaped) return name_token{q->text, p_};
  storage.clear();
  append_unescaped(q->text, storage);
  return name_token{storage, p_};
}

}  // namespace

std::optional<error> line_scanner::sample(const line_context& line, sample_line& out) const {
  return scanner{line, format_, line.text.data()}.sample(out);
}

expected<name_token> line_scanner::metric_name(const line_context& line, const char* at,
                                               std::string& storage) const {
  return scanner{line, format_, at}.metric_name(storage);
}

expected<std::string_view> line_scanner::help(const line_context& line, std::string_view raw,
                                              std::string& storage) const {
  bool escaped = false;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\') continue;
    if (i + 1 == raw.size())
      return line.fail(raw.data() + i, "help text ends with a lone backslash");
    char e = raw[i + 1];
    if (format_ == exposition_format::prometheus_text && e != '\\' && e != 'n')
      return line.fail(raw.data() + i, "invalid escape sequence \"\\" + std::string(1, e) +
                                           "\" in help text (only \\\\ and \\n)");
    escaped = true;
    ++i;
  }
  if (!valid_utf8(raw)) return line.fail(raw.data(), "help text is not valid UTF-8");
  if (!escaped) return raw;
  storage.clear();
  append_unescaped(raw, storage);
  return std::string_view{storage};
}

bool metric_name_chars(std::string_view text) noexcept {
  for (char c : text)
    if (!is(c, metric_next)) return false;
  return true;
}

}  // namespace vigil::wire
