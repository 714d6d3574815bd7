#pragma once

// The Prometheus text format 0.0.4, line by line, as Prometheus 3 reads it:
// blank lines and blanks (spaces, tabs) between tokens are fine, lines may
// end with CRLF, `# HELP` and `# TYPE` lines carry metadata and any other
// `#` line is a comment; a sample's optional timestamp is integer
// milliseconds. Checked: names (UTF-8 names quoted inside the braces),
// escapes (\\ \" \n in label values, \\ \n in help), UTF-8, duplicate label
// names, values and timestamps. The format has no rules about the order of
// families or samples, so neither has this reader.
//
// Threading: one reader per body, used by one thread at a time.

#include <cstddef>
#include <string>
#include <string_view>

#include "runtime/wire/line_scanner.hpp"
#include "runtime/wire/parsed_entry.hpp"

namespace vigil::wire {

class text_reader {
 public:
  explicit text_reader(std::string_view body) : body_(body) {}

  /// Reads up to the next entry into `out` (all but its kind).
  [[nodiscard]] expected<entry_kind> next(parsed_entry& out);

 private:
  expected<entry_kind> comment(const line_context& line, const char* after_hash, parsed_entry& out);
  expected<entry_kind> metadata(const line_context& line, entry_kind kind, const char* at,
                                parsed_entry& out);
  expected<entry_kind> series(const line_context& line, parsed_entry& out);
  [[nodiscard]] metric_type series_type(std::string_view name) const noexcept;

  std::string_view body_;
  std::size_t pos_ = 0;
  std::size_t line_number_ = 0;
  line_scanner scanner_{exposition_format::prometheus_text};
  std::string family_;  // of the last TYPE line
  metric_type family_type_ = metric_type::unknown;
};

}  // namespace vigil::wire
