#include "runtime/wire/text_reader.hpp"

#include <cstring>

#include "runtime/wire/number.hpp"

namespace vigil::wire {
namespace {

bool blank(char c) noexcept {
  return c == ' ' || c == '\t';
}

const char* skip_blanks(const char* p, const char* end) noexcept {
  while (p < end && blank(*p)) ++p;
  return p;
}

const char* end_of(const line_context& line) noexcept {
  return line.text.data() + line.text.size();
}

}  // namespace

expected<entry_kind> text_reader::next(parsed_entry& out) {
  while (pos_ < body_.size()) {
    const char* start = body_.data() + pos_;
    const std::size_t rest = body_.size() - pos_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', rest));
    std::string_view text{start, newline ? std::size_t(newline - start) : rest};
    pos_ += text.size() + (newline ? 1 : 0);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    line_context line{++line_number_, text};
    const char* first = skip_blanks(text.data(), end_of(line));
    if (first == end_of(line)) continue;
    if (*first == '#') return comment(line, first + 1, out);
    return series(line, out);
  }
  return entry_kind::eof;
}

// After '#': "# HELP name text" and "# TYPE name type" need a blank after
// the '#' and after the keyword; anything else is a comment.
expected<entry_kind> text_reader::comment(const line_context& line, const char* after_hash,
                                          parsed_entry& out) {
  const char* end = end_of(line);
  const char* keyword = skip_blanks(after_hash, end);
  std::string_view rest{keyword, std::size_t(end - keyword)};
  if (keyword > after_hash && rest.size() > 4 && blank(rest[4])) {
    if (rest.starts_with("HELP")) return metadata(line, entry_kind::help, keyword + 4, out);
    if (rest.starts_with("TYPE")) return metadata(line, entry_kind::type, keyword + 4, out);
  }
  out.text = rest;
  return entry_kind::comment;
}

expected<entry_kind> text_reader::metadata(const line_context& line, entry_kind kind,
                                           const char* at, parsed_entry& out) {
  const char* end = end_of(line);
  auto name = scanner_.metric_name(line, skip_blanks(at, end), out.name_storage);
  if (!name) return std::move(name).error_value();
  out.name = name->name;
  const char* p = name->end;
  if (p < end && !blank(*p)) return line.fail(p, "expected a blank after the metric name");
  p = skip_blanks(p, end);
  std::string_view rest{p, std::size_t(end - p)};
  if (kind == entry_kind::help) {
    auto help = scanner_.help(line, rest, out.text_storage);
    if (!help) return std::move(help).error_value();
    out.text = *help;
    return kind;
  }
  while (!rest.empty() && blank(rest.back())) rest.remove_suffix(1);
  auto type = parse_metric_type(rest, exposition_format::prometheus_text);
  if (!type)
    return line.fail(p, rest.empty() ? "expected a metric type after the metric name"
                                     : "unknown metric type " + quote(rest) +
                                           " (counter, gauge, histogram, summary or untyped)");
  out.type = *type;
  out.text = rest;
  family_.assign(out.name);
  family_type_ = *type;
  return kind;
}

expected<entry_kind> text_reader::series(const line_context& line, parsed_entry& out) {
  auto& sample = out.sample;
  if (auto e = scanner_.sample(line, sample)) return *std::move(e);
  auto value = parse_float(sample.value);
  if (!value)
    return line.fail(sample.value.data(),
                     "invalid value " + quote(sample.value) + ": " + value.error_value().message);
  out.value = *value;
  out.time.reset();
  if (!sample.time.empty()) {
    auto t = parse_millis(sample.time);
    if (!t)
      return line.fail(sample.time.data(), "invalid timestamp " + quote(sample.time) + ": " +
                                               t.error_value().message + " (milliseconds)");
    out.time = *t;
  }
  out.type = series_type(sample.name);
  return entry_kind::series;
}

// The type of the last TYPE line when `name` is one of its family's sample
// names, else unknown.
metric_type text_reader::series_type(std::string_view name) const noexcept {
  if (family_.empty() || !name.starts_with(family_)) return metric_type::unknown;
  auto suffix = name.substr(family_.size());
  if (suffix.empty()) return family_type_;
  const bool histogram = family_type_ == metric_type::histogram;
  if (histogram && suffix == "_bucket") return family_type_;
  if ((histogram || family_type_ == metric_type::summary) &&
      (suffix == "_count" || suffix == "_sum"))
    return family_type_;
  return metric_type::unknown;
}

}  // namespace vigil::wire
