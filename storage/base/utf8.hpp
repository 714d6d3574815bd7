#pragma once

// UTF-8 as every text input needs it: strict validation (no overlong forms,
// no surrogates, nothing past U+10FFFF; NUL is a character), decoding and
// encoding one character, counting characters. ASCII runs are checked
// eight bytes at a time, so the common case costs little.

#include <cstddef>
#include <string>
#include <string_view>

namespace vigil {

/// Whether all of `text` is well-formed UTF-8.
[[nodiscard]] bool valid_utf8(std::string_view text) noexcept;

/// The number of characters in well-formed UTF-8 `text`.
[[nodiscard]] std::size_t code_points(std::string_view text) noexcept;

/// Decodes the character at the start of `s` into `out` and returns its
/// length in bytes; 0 when `s` is empty or does not start with valid UTF-8.
[[nodiscard]] std::size_t decode_utf8(std::string_view s, char32_t& out) noexcept;

/// Appends the UTF-8 encoding of `c`; false (and nothing appended) for
/// surrogates and values past U+10FFFF.
[[nodiscard]] bool append_utf8(std::string& out, char32_t c);

}  // namespace vigil
