#pragma once

// InfluxDB line protocol (the body of `POST /write?precision=...`), one
// point per line:
//
//   measurement[,tag=value...] field=value[,field=value...] [timestamp]
//
// Each field becomes a series of its own: metric `<measurement>_<field>`
// with the tags as labels, one sample at the line's timestamp (converted
// from the request's precision to milliseconds, flooring) or at the
// caller's `now`. Floats (`1.5`, `-2e3`), integers (`3i`), unsigned
// integers (`3u`) and booleans (`t`/`true`/`f`/`false` in the usual cases,
// as 1 and 0) are values; string fields (`"text"`) are counted and skipped.
//
// Escapes as InfluxDB reads them: in the measurement, tag keys, tag values
// and field keys a backslash before `,`, `=`, space or another backslash
// stands for that character (any other backslash is literal); in string
// field values `\"` and `\\`. A string field value may span lines. Lines
// that are empty or start with `#` are skipped, a trailing CR is dropped.
//
// Names become Prometheus names as VictoriaMetrics' Prometheus-compatible
// naming does: every byte outside [a-zA-Z0-9_:] (metric names) or
// [a-zA-Z0-9_] (label names) becomes `_`, and a name starting with a digit
// gets a leading `_` (`cpu.load-1m` → `cpu_load_1m`, `95th` → `_95th`).
// Tag values are kept as written (they must be UTF-8).
//
// A bad line is an issue naming its line and column; the other lines are
// kept. Threading: free functions without shared state.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/expected.hpp"
#include "storage/base/sample.hpp"
#include "storage/shard/shard_engine.hpp"

namespace vigil::wire {

/// The unit of line protocol timestamps.
enum class precision { ns, us, ms, s, m, h };

/// The precision named by a `precision` query parameter: `ns` (also `n` and
/// empty, the default), `us` (also `u`), `ms`, `s`, `m`, `h`. Error:
/// errc::invalid_argument for anything else.
[[nodiscard]] expected<precision> parse_precision(std::string_view text);

/// Why one line was rejected: "line 3, column 14: <what> near "<text>"".
struct line_issue {
  std::size_t line = 0;  ///< 1-based.
  std::string message;
};

/// At most this many line_issues are kept per body (the rest are counted).
inline constexpr std::size_t max_line_issues = 100;

/// A decoded line protocol body.
struct line_protocol_batch {
  /// One series write of one sample per field of every good line, in body
  /// order.
  std::vector<series_write> series;
  std::vector<line_issue> issues;  ///< The first max_line_issues bad lines.
  std::size_t bad_lines = 0;       ///< All lines rejected.
  std::size_t string_fields = 0;   ///< String fields skipped on good lines.
};

/// Decodes `body` with timestamps in `unit`; lines without a timestamp get
/// `now` (milliseconds). Never fails as a whole: bad lines are issues.
[[nodiscard]] line_protocol_batch decode_line_protocol(std::string_view body, precision unit,
                                                       timestamp now);

/// `name` as a Prometheus metric name (`colons` true) or label name.
[[nodiscard]] std::string sanitize_name(std::string_view name, bool colons);

}  // namespace vigil::wire
