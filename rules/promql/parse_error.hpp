#pragma once

// Errors in PromQL input. Each carries its byte range and line:column so an
// API can point at it; to_string() gives Prometheus's text
// ("1:14: parse error: unexpected end of input"). A parse collects every
// error it can (Prometheus reports the first), and `parse_result` carries
// either the value or those errors.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/promql/position.hpp"
#include "storage/base/expected.hpp"

namespace vigil::promql {

struct parse_error {
  position_range range;
  /// Line and column of range.start; nullopt when the input was empty.
  std::optional<line_column> where;
  std::string message;  ///< without position, e.g. "unexpected end of input"

  /// Builds an error about `range` of `input`.
  [[nodiscard]] static parse_error at(std::string_view input, position_range range,
                                      std::string message);

  /// "line:col: parse error: message", or "unknown position: parse error:
  /// message" for empty input.
  [[nodiscard]] std::string to_string() const;
};

/// The first error as a vigil::error (errc::parse_error, to_string() text).
[[nodiscard]] error to_error(const std::vector<parse_error>& errors);

/// The outcome of a parse: `value` when `errors` is empty.
template <class T>
struct [[nodiscard]] parse_result {
  std::optional<T> value;
  std::vector<parse_error> errors;  ///< in order; Prometheus reports the first

  [[nodiscard]] bool ok() const { return errors.empty() && value.has_value(); }

  /// The value, or the first error.
  [[nodiscard]] expected<T> to_expected() && {
    if (ok()) return std::move(*value);
    return to_error(errors);
  }
};

}  // namespace vigil::promql
