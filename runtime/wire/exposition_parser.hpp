#pragma once

// Parses a scrape response body in the Prometheus text format 0.0.4 or
// OpenMetrics 1.0, one entry per next() call, like Prometheus's
// textparse.Parser. Built for scrapers:
//
// - series() is the sample line's metric name and label set exactly as
//   written, so a scrape cache keyed by those bytes skips label parsing for
//   series it has seen; labels() fills a caller's reusable label_buffer
//   only when asked;
// - nothing is copied: names, help texts and labels are views into the body
//   (or into small reused buffers when escapes had to be resolved); a parse
//   allocates only while its buffers grow (to the longest line and, for
//   OpenMetrics, to the number of families and metrics), never per line;
// - the whole body is validated as the format requires (text format: names,
//   escapes, UTF-8, duplicate labels, values, timestamps; OpenMetrics: all of
//   its rules, see openmetrics_reader.hpp); the first problem ends the parse
//   with an error (errc::parse_error) naming line, column and what was
//   wrong, e.g. `line 12, column 7: expected '=' after label name "job"
//   near "up{job \"x\"} 1"`. Partial expositions are invalid expositions: a
//   scraper keeps nothing of a body that ends in an error.
//
// Usage:
//
//   exposition_parser parser{body, format_from_content_type(content_type)};
//   label_buffer labels;
//   for (;;) {
//     auto entry = parser.next();
//     if (!entry) return entry.error_value();
//     if (*entry == entry_kind::eof) break;
//     if (*entry != entry_kind::series) continue;
//     if (!cache.contains(parser.series())) parser.labels(labels);  // ...
//     append(parser.value(), parser.time().value_or(scrape_time));
//   }
//
// Threading: one parser per body, used by one thread at a time. The body
// must outlive the parser and every view it returned.

#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include "runtime/wire/exposition.hpp"
#include "runtime/wire/label_buffer.hpp"
#include "runtime/wire/openmetrics_reader.hpp"
#include "runtime/wire/parsed_entry.hpp"
#include "runtime/wire/text_reader.hpp"
#include "storage/base/expected.hpp"
#include "storage/base/sample.hpp"

namespace vigil::wire {

/// An exemplar of a sample (OpenMetrics).
struct exemplar_view {
  std::span<const label_view> labels;  ///< In the label_buffer given to exemplar().
  double value = 0;
  std::optional<timestamp> time;  ///< Milliseconds.
};

class exposition_parser {
 public:
  /// A parser of `body` (which must outlive it) in `format`.
  exposition_parser(std::string_view body, exposition_format format);
  // Not copied or moved: its views may point into its own buffers.
  exposition_parser(const exposition_parser&) = delete;
  exposition_parser& operator=(const exposition_parser&) = delete;

  /// Advances to the next entry. After eof, returns eof again; after an
  /// error, returns the same error again.
  [[nodiscard]] expected<entry_kind> next();

  // The accessors below describe the entry of the last successful next();
  // their views stay valid until the next call.

  /// series: the metric name and label set as written (`a{b="c"}`), the
  /// key for a scrape cache.
  [[nodiscard]] std::string_view series() const noexcept { return entry_.sample.series; }
  /// series: the metric name; type, help, unit: the family name. Escapes
  /// of quoted names are resolved.
  [[nodiscard]] std::string_view metric_name() const noexcept;
  /// series: fills `out` with `__name__` and the metric name, then the
  /// labels in written order (escapes resolved; unsorted, empty values
  /// kept). Its views outlive next() (they point into the body or `out`).
  void labels(label_buffer& out) const;
  /// series: the sample value.
  [[nodiscard]] double value() const noexcept { return entry_.value; }
  /// series: the sample's own timestamp in milliseconds, if written.
  [[nodiscard]] std::optional<timestamp> time() const noexcept { return entry_.time; }
  /// series: the exemplar (OpenMetrics counter totals and buckets), its
  /// labels filled into `out`.
  [[nodiscard]] std::optional<exemplar_view> exemplar(label_buffer& out) const;
  /// series: the created timestamp of the sample's metric in milliseconds
  /// (OpenMetrics counters, histograms and summaries with a `_created`
  /// sample, which is also returned as a series of its own).
  [[nodiscard]] std::optional<timestamp> created();
  /// type: the declared type; series: its family's type (text format: the
  /// last TYPE line's if the name is one of its sample names).
  [[nodiscard]] metric_type type() const noexcept { return entry_.type; }
  /// help: the help text (escapes resolved); unit: the unit; type: the
  /// type as written; comment: the text after '#' and the blanks after it.
  [[nodiscard]] std::string_view text() const noexcept { return entry_.text; }

 private:
  parsed_entry entry_;
  std::variant<text_reader, openmetrics_reader> reader_;
  std::optional<error> failed_;
  bool done_ = false;
};

}  // namespace vigil::wire
