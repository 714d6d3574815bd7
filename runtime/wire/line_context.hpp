#pragma once

// Where a parser is: the current line and its number, and the one way to
// turn a problem there into an error. Every parse error reads
//
//   line 12, column 7: expected '=' after label name "job" near "up{job \"x\"} 1"
//
// with 1-based line and byte column, and an excerpt of the line from a little
// before the column (control bytes and quotes escaped, long lines cut).

#include <cstddef>
#include <string>
#include <string_view>

#include "storage/base/error.hpp"

namespace vigil::wire {

/// One line of an exposition, without its line feed.
struct line_context {
  std::size_t number = 0;  ///< 1-based.
  std::string_view text;

  /// A parse_error at `at`, a pointer into `text` (or its end); a pointer
  /// elsewhere (into a buffer of unescaped text) reports column 1.
  [[nodiscard]] error fail(const char* at, std::string_view what) const;
};

/// `text` in double quotes for an error message: quotes, backslashes and
/// control bytes escaped, cut after 64 bytes.
[[nodiscard]] std::string quote(std::string_view text);

}  // namespace vigil::wire
