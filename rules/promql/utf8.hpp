#pragma once

// The Go flavour of UTF-8 that PromQL's lexer and quoting follow: decoding
// as Go's utf8.DecodeRune, and whether Go's strconv.Quote prints a character
// as itself. Plain UTF-8 helpers are in storage/base/utf8.hpp.

#include <cstddef>
#include <string>
#include <string_view>

#include "storage/base/utf8.hpp"

namespace vigil::promql {

/// Go's utf8.DecodeRuneInString: the first character and its width; U+FFFD
/// and width 1 for a byte that is not UTF-8; width 0 for "".
[[nodiscard]] char32_t decode_rune(std::string_view s, size_t& width) noexcept;

/// Whether Go's unicode.IsPrint holds for `c`, for everything but
/// unassigned code points (which count as printable here).
[[nodiscard]] bool is_printable(char32_t c) noexcept;

}  // namespace vigil::promql
