#pragma once

// OpenMetrics 1.0 text, line by line. The syntax is strict: every line ends
// with a lone line feed (no blank lines, no carriage returns), metadata
// lines are exactly `# TYPE name type`, `# HELP name text` and
// `# UNIT name unit`, no other line starts with '#', and `# EOF` (its line
// feed optional) ends the exposition with nothing after it. Samples have
// optional timestamps in seconds and, where allowed, exemplars. The rules
// about families and samples are openmetrics_rules' (openmetrics_rules.hpp,
// openmetrics_points.hpp).
//
// Created timestamps: for a sample of a counter, histogram or summary,
// created() looks ahead within the family for the `_created` sample of the
// same metric, like Prometheus; answers are remembered per metric, so a
// histogram's buckets cost one look-ahead.
//
// Threading: one reader per body, used by one thread at a time.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "runtime/wire/line_scanner.hpp"
#include "runtime/wire/openmetrics_rules.hpp"
#include "runtime/wire/parsed_entry.hpp"

namespace vigil::wire {

class openmetrics_reader {
 public:
  explicit openmetrics_reader(std::string_view body) : body_(body) {}

  /// Reads the next entry into `out` (all but its kind).
  [[nodiscard]] expected<entry_kind> next(parsed_entry& out);

  /// The created timestamp of the metric of `current`, the series entry
  /// just read, in milliseconds; nullopt when its family has none.
  [[nodiscard]] std::optional<timestamp> created(const parsed_entry& current);

 private:
  struct line_span {
    std::string_view text;  // without its line feed
    std::size_t next;       // where the next line starts
  };

  [[nodiscard]] line_span line_at(std::size_t pos) const noexcept;
  expected<entry_kind> hash_line(const line_context& line, parsed_entry& out);
  expected<entry_kind> metadata(const line_context& line, entry_kind kind, parsed_entry& out);
  expected<entry_kind> sample(const line_context& line, parsed_entry& out);
  [[nodiscard]] std::optional<timestamp> look_ahead_for_created(std::uint64_t metric);

  std::string_view body_;
  std::size_t pos_ = 0;
  std::size_t line_number_ = 0;
  line_scanner scanner_{exposition_format::openmetrics};
  openmetrics_rules rules_;
  sample_role role_ = sample_role::value;  // of the last sample

  // The last created timestamp found, for a metric of a family.
  struct created_memo {
    std::uint64_t family = 0;  // openmetrics_rules::family_number(); 0 for none
    std::uint64_t metric = 0;
    std::optional<timestamp> time;
  } created_;
  sample_line lookahead_;
};

}  // namespace vigil::wire
