#include "runtime/wire/line_protocol.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

#include "runtime/wire/line_context.hpp"
#include "storage/base/utf8.hpp"

namespace vigil::wire {
namespace {

bool blank(char c) noexcept {
  return c == ' ' || c == '\t';
}

bool digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

// The closing quote of the string field value whose opening quote is just
// before `p` (or `end` when unterminated), counting its line feeds.
const char* string_end(const char* p, const char* end, std::size_t& newlines) noexcept {
  while (p < end) {
    if (*p == '"') return p;
    if (*p == '\n') ++newlines;
    p += *p == '\\' && p + 1 < end && p[1] != '\n' ? 2 : 1;
  }
  return end;
}

// The end of the record starting at `p` (not a comment): the first line
// feed outside a string field value. A string value starts with a quote
// right after the '=' of a field, so only the field set can hold one.
const char* record_end(const char* p, const char* end, std::size_t& newlines) noexcept {
  bool fields = false, after_equals = false;
  while (p < end && *p != '\n') {
    const char c = *p;
    if (c == '\\' && p + 1 < end && p[1] != '\n') {
      p += 2;
      after_equals = false;
    } else if (fields && after_equals && c == '"') {
      const char* closing = string_end(p + 1, end, newlines);
      p = closing < end ? closing + 1 : end;
      after_equals = false;
    } else {
      fields = fields || c == ' ';
      after_equals = c == '=';
      ++p;
    }
  }
  return p;
}

// Milliseconds from a timestamp in `unit`, flooring; nullopt on overflow.
std::optional<timestamp> to_millis(int64_t t, precision unit) noexcept {
  auto floor_div = [](int64_t a, int64_t b) { return a / b - (a % b < 0 ? 1 : 0); };
  int64_t factor = 1;
  switch (unit) {
    case precision::ns:
      return floor_div(t, 1'000'000);
    case precision::us:
      return floor_div(t, 1'000);
    case precision::ms:
      return t;
    case precision::s:
      factor = 1'000;
      break;
    case precision::m:
      factor = 60'000;
      break;
    case precision::h:
      factor = 3'600'000;
      break;
  }
  int64_t ms = 0;
  if (__builtin_mul_overflow(t, factor, &ms)) return std::nullopt;
  return ms;
}

// A field value that is not a string, or what is wrong with it.
expected<double> number_value(std::string_view text) {
  static constexpr std::string_view truths[] = {"t", "T", "true", "True", "TRUE"};
  static constexpr std::string_view falsities[] = {"f", "F", "false", "False", "FALSE"};
  if (std::find(std::begin(truths), std::end(truths), text) != std::end(truths)) return 1.0;
  if (std::find(std::begin(falsities), std::end(falsities), text) != std::end(falsities))
    return 0.0;
  auto parse = [&text]<class T>(std::string_view digits, T out,
                                const char* what) -> expected<double> {
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    if (ec != std::errc{} || ptr != digits.data() + digits.size() || digits.empty())
      return error{errc::parse_error, std::string(what) + " " + quote(text)};
    return double(out);
  };
  std::string_view digits = text.substr(0, text.empty() ? 0 : text.size() - 1);
  if (text.ends_with('i')) return parse(digits, int64_t{}, "invalid integer");
  if (text.ends_with('u') && !text.starts_with('-'))
    return parse(digits, uint64_t{}, "invalid unsigned integer");
  // from_chars also reads inf and nan, which the line protocol has not.
  const std::size_t first = text.starts_with('-') ? 1 : 0;
  if (first >= text.size() || !(digit(text[first]) || text[first] == '.'))
    return error{errc::parse_error, "invalid field value " + quote(text)};
  return parse(text, double{}, "invalid float");
}

// Parses one record (a point) of a body.
class record_parser {
 public:
  record_parser(line_context line, precision unit, timestamp now)
      : line_(line), p_(line.text.data()), end_(p_ + line.text.size()), unit_(unit), now_(now) {}

  // Appends the record's series to `batch`, or returns why it is bad.
  std::optional<error> parse(line_protocol_batch& batch) {
    const char* start = p_;
    auto measurement = token(", ");
    if (measurement.empty()) return line_.fail(start, "missing measurement");
    std::vector<label> tags;
    while (p_ < end_ && *p_ == ',') {
      ++p_;
      if (auto bad = tag(tags)) return bad;
    }
    if (p_ == end_ || *p_ != ' ') return line_.fail(p_, "expected a space and fields");
    while (p_ < end_ && *p_ == ' ') ++p_;
    std::vector<std::pair<std::string, double>> fields;
    std::size_t strings = 0;
    for (;;) {
      if (auto bad = field(fields, strings)) return bad;
      if (p_ == end_ || *p_ != ',') break;
      ++p_;
    }
    auto time = timestamp_field();
    if (!time) return time.error_value();
    auto bad = emit(measurement, std::move(tags), fields, *time, batch);
    if (!bad) batch.string_fields += strings;
    return bad;
  }

 private:
  // Unescaped text up to the first unescaped byte of `stops`.
  std::string token(std::string_view stops) {
    std::string out;
    while (p_ < end_ && stops.find(*p_) == std::string_view::npos) {
      if (*p_ == '\\' && p_ + 1 < end_ &&
          std::string_view{",= \\"}.find(p_[1]) != std::string_view::npos)
        ++p_;
      out += *p_++;
    }
    return out;
  }

  std::optional<error> tag(std::vector<label>& tags) {
    const char* start = p_;
    auto key = token("=, ");
    if (key.empty()) return line_.fail(start, "missing tag key");
    if (p_ == end_ || *p_ != '=') return line_.fail(p_, "expected '=' after tag key");
    const char* value_start = ++p_;
    auto value = token(", ");
    if (value.empty()) return line_.fail(value_start, "missing tag value");
    if (!valid_utf8(value)) return line_.fail(value_start, "tag value is not UTF-8");
    tags.push_back({sanitize_name(key, false), std::move(value)});
    return std::nullopt;
  }

  std::optional<error> field(std::vector<std::pair<std::string, double>>& fields,
                             std::size_t& strings) {
    const char* start = p_;
    auto key = token("=, ");
    if (key.empty()) return line_.fail(start, "missing field key");
    if (p_ == end_ || *p_ != '=') return line_.fail(p_, "expected '=' after field key");
    const char* value_start = ++p_;
    if (p_ < end_ && *p_ == '"') {
      std::size_t newlines = 0;
      p_ = string_end(p_ + 1, end_, newlines);
      if (p_ == end_) return line_.fail(value_start, "unterminated string field value");
      if (++p_ < end_ && *p_ != ',' && *p_ != ' ')
        return line_.fail(p_, "expected ',' or a space after a string field value");
      ++strings;
      return std::nullopt;
    }
    while (p_ < end_ && *p_ != ',' && *p_ != ' ') ++p_;
    auto value = number_value({value_start, std::size_t(p_ - value_start)});
    if (!value) return line_.fail(value_start, value.error_value().message);
    fields.emplace_back(std::move(key), *value);
    return std::nullopt;
  }

  expected<timestamp> timestamp_field() {
    while (p_ < end_ && *p_ == ' ') ++p_;
    if (p_ == end_) return now_;
    const char* start = p_;
    while (p_ < end_ && !blank(*p_)) ++p_;
    int64_t t = 0;
    auto [ptr, ec] = std::from_chars(start, p_, t);
    if (ec != std::errc{} || ptr != p_) return line_.fail(start, "invalid timestamp");
    while (p_ < end_ && blank(*p_)) ++p_;
    if (p_ != end_) return line_.fail(p_, "unexpected text after the timestamp");
    auto ms = to_millis(t, unit_);
    if (!ms) return line_.fail(start, "timestamp out of range");
    return *ms;
  }

  // One series per field: the tags plus __name__ `<measurement>_<field>`
  // (sanitised as a whole, so a field key may start with a digit).
  std::optional<error> emit(const std::string& measurement, std::vector<label> tags,
                            const std::vector<std::pair<std::string, double>>& fields,
                            timestamp time, line_protocol_batch& batch) {
    auto sorted = labels::from(std::move(tags));
    if (!sorted) return line_.fail(line_.text.data(), "tags: " + sorted.error_value().message);
    const auto& pairs = sorted->pairs();
    auto at = std::lower_bound(pairs.begin(), pairs.end(), metric_name_label,
                               [](const label& l, std::string_view n) { return l.name < n; });
    if (at != pairs.end() && at->name == metric_name_label)
      return line_.fail(line_.text.data(), "tags: a tag is named __name__");
    const auto offset = at - pairs.begin();
    for (const auto& [name, value] : fields) {
      std::vector<label> with_name;
      with_name.reserve(pairs.size() + 1);
      with_name.insert(with_name.end(), pairs.begin(), pairs.begin() + offset);
      with_name.push_back(
          {std::string(metric_name_label), sanitize_name(measurement + "_" + name, true)});
      with_name.insert(with_name.end(), pairs.begin() + offset, pairs.end());
      batch.series.push_back({labels::from_sorted(std::move(with_name)), {{time, value}}});
    }
    return std::nullopt;
  }

  line_context line_;
  const char* p_;
  const char* end_;
  precision unit_;
  timestamp now_;
};

}  // namespace

expected<precision> parse_precision(std::string_view text) {
  if (text.empty() || text == "ns" || text == "n") return precision::ns;
  if (text == "us" || text == "u") return precision::us;
  if (text == "ms") return precision::ms;
  if (text == "s") return precision::s;
  if (text == "m") return precision::m;
  if (text == "h") return precision::h;
  return error{errc::invalid_argument,
               "unknown precision " + quote(text) + " (expected ns, us, ms, s, m or h)"};
}

std::string sanitize_name(std::string_view name, bool colons) {
  std::string out;
  out.reserve(name.size() + 1);
  if (!name.empty() && digit(name.front())) out += '_';
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    // The continuation bytes of a multi-byte character were replaced with
    // its first byte.
    if ((c & 0xC0) == 0x80 && i > 0 && static_cast<unsigned char>(name[i - 1]) >= 0x80) continue;
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || digit(char(c)) ||
                      c == '_' || (colons && c == ':');
    out += keep ? char(c) : '_';
  }
  return out;
}

line_protocol_batch decode_line_protocol(std::string_view body, precision unit, timestamp now) {
  line_protocol_batch batch;
  // At least one series per line: grows the result a few times, not dozens.
  batch.series.reserve(std::size_t(std::count(body.begin(), body.end(), '\n')) + 1);
  const char* p = body.data();
  const char* end = p + body.size();
  std::size_t number = 1;
  while (p < end) {
    while (p < end && blank(*p)) ++p;
    std::size_t newlines = 0;
    const char* stop =
        p < end && *p == '#' ? std::find(p, end, '\n') : record_end(p, end, newlines);
    std::string_view text{p, std::size_t(stop - p)};
    if (text.ends_with('\r')) text.remove_suffix(1);
    if (!text.empty() && text.front() != '#') {
      if (auto bad = record_parser{{number, text}, unit, now}.parse(batch)) {
        if (batch.issues.size() < max_line_issues)
          batch.issues.push_back({number, std::move(bad->message)});
        ++batch.bad_lines;
      }
    }
    number += 1 + newlines;
    p = stop < end ? stop + 1 : end;
  }
  return batch;
}

}  // namespace vigil::wire
