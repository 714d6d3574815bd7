#pragma once

// PromQL's string and number literals, which follow Go's syntax: strings in
// "", '' or `` with Go escapes (\n, \x41, \u00e9, \101, ...), numbers as Go's
// strconv reads them (decimal, 0x hex, leading-0 octal, exponents,
// underscores between digits, Inf and NaN in any case). Printing uses Go's
// quoting and shortest round-tripping decimals, so printed queries match
// Prometheus's.

#include <string>
#include <string_view>

#include "storage/base/expected.hpp"

namespace vigil::promql {

/// The value of a hexadecimal digit character, or 16 for anything else.
[[nodiscard]] int hex_digit_value(int c) noexcept;

/// The value of a string token (quotes included). The lexer has already
/// checked the escapes; errors only come from text that did not pass it.
[[nodiscard]] expected<std::string> unquote(std::string_view quoted);

/// Go's strconv.Quote: double quotes, \" \\ \n \t ... escapes, \xNN for
/// bytes that are not UTF-8, \uNNNN for unprintable characters.
[[nodiscard]] std::string quote(std::string_view s);

/// Go's strconv.QuoteRune, as %q prints a character: 'x', '\n', '\''.
[[nodiscard]] std::string quote_rune(char32_t r);

/// The value of a number token, as Prometheus reads it (an integer with a
/// base prefix first, then a float). The error text is Go's, e.g.
/// `strconv.ParseFloat: parsing "1e999": value out of range`.
[[nodiscard]] expected<double> parse_number(std::string_view text);

/// Go's FormatFloat(v, 'f', -1, 64): the shortest decimal that reads back as
/// `v`, never an exponent; "+Inf", "-Inf", "NaN".
[[nodiscard]] std::string format_number(double v);

/// Go's %g (FormatFloat(v, 'g', -1, 64)), as Prometheus's messages print
/// numbers: shortest digits, with an exponent below 1e-4 and from 1e6 on
/// ("1.5e+06"); "+Inf", "-Inf", "NaN".
[[nodiscard]] std::string format_g(double v);

}  // namespace vigil::promql
