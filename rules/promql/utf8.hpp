#pragma once

// The few UTF-8 operations PromQL needs: strict decoding (as Go's
// utf8.DecodeRune: no overlong forms, no surrogates, nothing past U+10FFFF),
// encoding, and whether Go's strconv.Quote prints a character as itself.

#include <cstddef>
#include <string>
#include <string_view>

namespace vigil::promql {

/// Decodes the character at the start of `s` into `out` and returns its
/// length in bytes; 0 when `s` is empty or does not start with valid UTF-8.
[[nodiscard]] size_t decode_utf8(std::string_view s, char32_t& out) noexcept;

/// Go's utf8.DecodeRuneInString: the first character and its width; U+FFFD
/// and width 1 for a byte that is not UTF-8; width 0 for "".
[[nodiscard]] char32_t decode_rune(std::string_view s, size_t& width) noexcept;

/// Whether all of `s` is valid UTF-8.
[[nodiscard]] bool valid_utf8(std::string_view s) noexcept;

/// Appends the UTF-8 encoding of `c`; false (and nothing appended) for
/// surrogates and values past U+10FFFF.
[[nodiscard]] bool append_utf8(std::string& out, char32_t c);

/// Whether Go's unicode.IsPrint holds for `c`, for everything but
/// unassigned code points (which count as printable here).
[[nodiscard]] bool is_printable(char32_t c) noexcept;

}  // namespace vigil::promql
