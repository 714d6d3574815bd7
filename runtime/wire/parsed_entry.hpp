#pragma once

// What a reader (text_reader, openmetrics_reader) leaves after each line
// for exposition_parser's accessors. Reused from line to line, so its
// strings and vectors keep their memory.

#include <optional>
#include <string>
#include <string_view>

#include "runtime/wire/exposition.hpp"
#include "runtime/wire/line_scanner.hpp"
#include "storage/base/sample.hpp"

namespace vigil::wire {

struct parsed_entry {
  entry_kind kind = entry_kind::eof;
  sample_line sample;  ///< series: the parts of the line
  double value = 0;    ///< series
  std::optional<timestamp> time;
  double exemplar_value = 0;  ///< series with an exemplar
  std::optional<timestamp> exemplar_time;
  metric_type type = metric_type::unknown;  ///< type; on series, the family's type
  std::string_view name;                    ///< type, help, unit: the family name
  std::string_view text;                    ///< help (escapes resolved), unit, comment
  std::string name_storage;                 ///< Holds `name` when escapes were resolved.
  std::string text_storage;                 ///< Holds `text` likewise.
};

}  // namespace vigil::wire
