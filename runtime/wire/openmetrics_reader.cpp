#include "runtime/wire/openmetrics_reader.hpp"

#include <cstring>

#include "runtime/wire/number.hpp"

namespace vigil::wire {
namespace {

struct seconds {
  double value;
  timestamp millis;
};

// A timestamp token: a real number of seconds.
expected<seconds> parse_seconds(const line_context& line, std::string_view token,
                                std::string_view what) {
  auto millis = seconds_to_millis(token);
  auto value = millis ? parse_float(token) : expected<double>{millis.error_value()};
  if (!value)
    return line.fail(token.data(), "invalid " + std::string(what) + " " + quote(token) + ": " +
                                       value.error_value().message);
  return seconds{*value, *millis};
}

bool has_created(metric_type type) noexcept {
  return type == metric_type::counter || type == metric_type::histogram ||
         type == metric_type::summary;
}

}  // namespace

openmetrics_reader::line_span openmetrics_reader::line_at(std::size_t pos) const noexcept {
  const char* start = body_.data() + pos;
  const std::size_t rest = body_.size() - pos;
  const auto* newline = static_cast<const char*>(std::memchr(start, '\n', rest));
  if (!newline) return {{start, rest}, body_.size()};
  const std::size_t length = std::size_t(newline - start);
  return {{start, length}, pos + length + 1};
}

expected<entry_kind> openmetrics_reader::next(parsed_entry& out) {
  if (pos_ >= body_.size())
    return line_context{line_number_ + 1, {}}.fail(nullptr, "missing \"# EOF\" at the end");
  const auto span = line_at(pos_);
  pos_ = span.next;
  const line_context line{++line_number_, span.text};
  const auto text = span.text;
  if (text.empty()) return line.fail(text.data(), "blank line");
  if (text.back() == '\r')
    return line.fail(&text.back(),
                     "carriage return before the line feed (lines end with \\n alone)");
  if (text.front() == '#') return hash_line(line, out);
  return sample(line, out);
}

expected<entry_kind> openmetrics_reader::hash_line(const line_context& line, parsed_entry& out) {
  const auto text = line.text;
  if (text == "# EOF") {
    if (pos_ < body_.size())
      return line_context{line_number_ + 1, line_at(pos_).text}.fail(body_.data() + pos_,
                                                                     "text after \"# EOF\"");
    if (auto e = rules_.finish()) return *std::move(e);
    return entry_kind::eof;
  }
  if (text.starts_with("# TYPE")) return metadata(line, entry_kind::type, out);
  if (text.starts_with("# HELP")) return metadata(line, entry_kind::help, out);
  if (text.starts_with("# UNIT")) return metadata(line, entry_kind::unit, out);
  if (text.starts_with("# EOF")) return line.fail(text.data() + 5, "text after \"# EOF\"");
  return line.fail(text.data(), "only # TYPE, # HELP, # UNIT and # EOF lines may start with '#'");
}

// "# TYPE name type", "# HELP name text", "# UNIT name unit".
expected<entry_kind> openmetrics_reader::metadata(const line_context& line, entry_kind kind,
                                                  parsed_entry& out) {
  const char* end = line.text.data() + line.text.size();
  const char* p = line.text.data() + 6;
  if (p == end || *p != ' ')
    return line.fail(p,
                     "expected ' ' and a metric name after " + std::string(line.text.substr(2, 4)));
  auto name = scanner_.metric_name(line, p + 1, out.name_storage);
  if (!name) return std::move(name).error_value();
  out.name = name->name;
  p = name->end;
  if (p == end || *p != ' ')
    return line.fail(p, kind == entry_kind::type ? "expected ' ' and a metric type after the name"
                                                 : "expected ' ' and a text after the name");
  const std::string_view rest{p + 1, std::size_t(end - p - 1)};
  std::optional<error> rejected;
  if (kind == entry_kind::type) {
    auto type = parse_metric_type(rest, exposition_format::openmetrics);
    if (!type) return line.fail(rest.data(), "unknown metric type " + quote(rest));
    out.type = *type;
    out.text = rest;
    rejected = rules_.type(line, out.name, *type);
  } else if (kind == entry_kind::help) {
    auto help = scanner_.help(line, rest, out.text_storage);
    if (!help) return std::move(help).error_value();
    out.text = *help;
    rejected = rules_.help(line, out.name);
  } else {
    if (!metric_name_chars(rest))
      return line.fail(rest.data(), "a unit is made of the characters [a-zA-Z0-9_:]");
    out.text = rest;
    rejected = rules_.unit(line, out.name, rest);
  }
  if (rejected) return *std::move(rejected);
  return kind;
}

expected<entry_kind> openmetrics_reader::sample(const line_context& line, parsed_entry& out) {
  auto& s = out.sample;
  if (auto e = scanner_.sample(line, s)) return *std::move(e);
  auto role = rules_.resolve(line, s.name);
  if (!role) return std::move(role).error_value();
  auto value = parse_float(s.value);
  if (!value)
    return line.fail(s.value.data(),
                     "invalid value " + quote(s.value) + ": " + value.error_value().message);
  checked_sample checked{s, *role, *value, std::nullopt, std::nullopt};
  out.time.reset();
  if (!s.time.empty()) {
    auto t = parse_seconds(line, s.time, "timestamp");
    if (!t) return std::move(t).error_value();
    checked.time = t->value;
    out.time = t->millis;
  }
  out.exemplar_time.reset();
  if (!s.exemplar.empty()) {
    auto v = parse_float(s.exemplar_value);
    if (!v)
      return line.fail(
          s.exemplar_value.data(),
          "invalid exemplar value " + quote(s.exemplar_value) + ": " + v.error_value().message);
    checked.exemplar_value = out.exemplar_value = *v;
    if (!s.exemplar_time.empty()) {
      auto t = parse_seconds(line, s.exemplar_time, "exemplar timestamp");
      if (!t) return std::move(t).error_value();
      out.exemplar_time = t->millis;
    }
  }
  if (auto e = rules_.sample(line, checked)) return *std::move(e);
  out.value = *value;
  out.type = rules_.family().type;
  role_ = *role;
  if (role_ == sample_role::created) {
    auto millis = seconds_to_millis(s.value);
    created_ = {rules_.family_number(), rules_.metric(),
                millis ? std::optional<timestamp>{*millis} : std::nullopt};
  }
  return entry_kind::series;
}

std::optional<timestamp> openmetrics_reader::created(const parsed_entry& current) {
  if (current.kind != entry_kind::series || !has_created(rules_.family().type)) return std::nullopt;
  const auto metric = rules_.metric();
  if (role_ != sample_role::created &&
      (created_.family != rules_.family_number() || created_.metric != metric))
    created_ = {rules_.family_number(), metric, look_ahead_for_created(metric)};
  return created_.time;
}

// Scans the rest of the family without checking it (next() will): stops at
// metadata, at a sample of another family, or at anything malformed.
std::optional<timestamp> openmetrics_reader::look_ahead_for_created(std::uint64_t metric) {
  std::size_t number = line_number_;
  for (std::size_t pos = pos_; pos < body_.size();) {
    const auto span = line_at(pos);
    pos = span.next;
    const line_context line{++number, span.text};
    if (span.text.empty() || span.text.front() == '#' || scanner_.sample(line, lookahead_)) break;
    auto role = rules_.role_of(lookahead_.name);
    if (!role) break;
    if (*role == sample_role::created && metric_hash(lookahead_.labels, {}) == metric) {
      auto millis = seconds_to_millis(lookahead_.value);
      return millis ? std::optional<timestamp>{*millis} : std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace vigil::wire
