#pragma once

// Numbers in exposition text. Sample values use Go's strconv.ParseFloat
// syntax as Prometheus accepts it, which is also OpenMetrics' `number`:
//
//   [+-] (digits [. digits*] | . digits) [(e|E) [+-] digits]
//   [+-] (inf | infinity)        any case
//   nan                          any case, no sign
//
// No hexadecimal forms, no underscores. Overflow is an error; underflow
// gives ±0, as in Go. Text-format timestamps are integer milliseconds;
// OpenMetrics timestamps are real numbers of seconds (no Inf or NaN),
// converted to milliseconds exactly from their decimal digits.
//
// Error messages say what is wrong without a position; callers add it.

#include <string_view>

#include "storage/base/expected.hpp"
#include "storage/base/sample.hpp"

namespace vigil::wire {

/// A sample value. NaN is the quiet NaN (never the staleness marker).
[[nodiscard]] expected<double> parse_float(std::string_view text);

/// A text-format timestamp: [+-]digits, milliseconds within int64.
[[nodiscard]] expected<timestamp> parse_millis(std::string_view text);

/// An OpenMetrics timestamp (a decimal number of seconds) in milliseconds,
/// truncated toward zero like Prometheus; values beyond the int64 range
/// saturate (no exposer means them, and storage rejects them as too far
/// from now anyway).
[[nodiscard]] expected<timestamp> seconds_to_millis(std::string_view text);

}  // namespace vigil::wire
