#pragma once

// The vocabulary of the exposition parsers (exposition_parser.hpp): the two
// text formats a scrape may answer with, how a Content-Type header picks
// one, what a parsed line can be, and the metric family types.

#include <optional>
#include <string_view>

namespace vigil::wire {

/// A metrics exposition text format.
enum class exposition_format {
  prometheus_text,  ///< Prometheus text format 0.0.4 (`text/plain; version=0.0.4`).
  openmetrics,      ///< OpenMetrics 1.0 text (`application/openmetrics-text; version=1.0.0`).
};

/// The format of a scrape response by its Content-Type header value:
/// `application/openmetrics-text` (any case, any version and parameters) is
/// OpenMetrics; anything else, including an empty or malformed value, is the
/// Prometheus text format, as Prometheus itself decides.
[[nodiscard]] exposition_format format_from_content_type(std::string_view content_type) noexcept;

/// What exposition_parser::next() found.
enum class entry_kind {
  series,   ///< A sample line.
  type,     ///< `# TYPE name type`.
  help,     ///< `# HELP name text`.
  unit,     ///< `# UNIT name unit` (OpenMetrics only).
  comment,  ///< Any other `#` line (Prometheus text format only).
  eof,      ///< The end of the exposition (after `# EOF` in OpenMetrics).
};

/// The type of a metric family. The text format's `untyped` is `unknown`.
enum class metric_type {
  unknown,
  counter,
  gauge,
  histogram,
  gauge_histogram,
  summary,
  info,
  stateset,
};

/// The OpenMetrics spelling ("gaugehistogram").
[[nodiscard]] std::string_view to_string(metric_type type) noexcept;

/// The type named by a TYPE line in `format`: the text format knows counter,
/// gauge, histogram, summary and untyped; OpenMetrics knows its eight types
/// (and not untyped). Case-sensitive; nullopt for anything else.
[[nodiscard]] std::optional<metric_type> parse_metric_type(std::string_view word,
                                                           exposition_format format) noexcept;

}  // namespace vigil::wire
