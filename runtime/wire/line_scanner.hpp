#pragma once

// The syntax of one sample line, shared by both formats:
//
//   metric-name [ "{" label *( "," label ) "}" ] value [ timestamp ] [ exemplar ]
//
// where the metric name may instead be a quoted string inside the braces
// (`{"my.metric", "a.b"="c"}`, Prometheus 3's UTF-8 names) and label names
// may be quoted too. The text format allows blanks (spaces, tabs) between
// all tokens and a trailing comma in the label set, and has no exemplars;
// OpenMetrics wants exactly one space between the value, timestamp and
// exemplar (` # {labels} value [timestamp]`) and nothing else.
//
// The scanner checks names, quoting, escapes, UTF-8 and duplicate label
// names. It converts no numbers and knows no metric types: the readers do
// that. Its results are views into the line, so scanning allocates nothing
// once the output's vectors have grown. Stateless apart from the format.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/wire/exposition.hpp"
#include "runtime/wire/line_context.hpp"
#include "storage/base/expected.hpp"

namespace vigil::wire {

/// A label as written: quotes stripped, escapes unresolved.
struct raw_label {
  std::string_view name;
  std::string_view value;
  bool name_escaped = false;
  bool value_escaped = false;
};

/// A sample line split into views of its parts. Reused from line to line.
struct sample_line {
  std::string_view series;    ///< Metric name and label set as written.
  std::string_view name;      ///< The metric name, escapes resolved.
  std::string_view raw_name;  ///< The metric name as written, without quotes.
  bool name_escaped = false;
  std::vector<raw_label> labels;  ///< In written order, without the metric name.
  std::string_view value;         ///< The value token.
  std::string_view time;          ///< The timestamp token; empty when absent.
  std::string_view exemplar;      ///< From its '#' to the end of line; empty when absent.
  std::vector<raw_label> exemplar_labels;
  std::string_view exemplar_value;
  std::string_view exemplar_time;  ///< Empty when absent.
  std::string name_storage;        ///< Holds `name` when escapes had to be resolved.
};

/// A metric name in a metadata line.
struct name_token {
  std::string_view name;  ///< Escapes resolved.
  const char* end;        ///< Just past the name as written.
};

/// Splits sample lines and metadata names of one format.
class line_scanner {
 public:
  explicit line_scanner(exposition_format format) : format_(format) {}

  /// Splits `line` into `out` (in the text format, after leading blanks).
  [[nodiscard]] std::optional<error> sample(const line_context& line, sample_line& out) const;

  /// The bare or quoted metric name at `at` in `line`; `storage` holds it
  /// when escapes had to be resolved.
  [[nodiscard]] expected<name_token> metric_name(const line_context& line, const char* at,
                                                 std::string& storage) const;

  /// A help text `raw` (a view into `line`): escapes checked (the text
  /// format allows only \\ and \n) and resolved, into `storage` when there
  /// are any; UTF-8 checked.
  [[nodiscard]] expected<std::string_view> help(const line_context& line, std::string_view raw,
                                                std::string& storage) const;

 private:
  exposition_format format_;
};

/// Whether every byte of `text` may follow the first of a bare metric name
/// ([a-zA-Z0-9_:]); OpenMetrics units are made of these.
[[nodiscard]] bool metric_name_chars(std::string_view text) noexcept;

}  // namespace vigil::wire
