#pragma once

// UTF-8 checks for exposition text: label values, help texts and quoted
// names must be well-formed UTF-8 in both formats. ASCII runs are checked
// eight bytes at a time, so the common case costs little.

#include <cstddef>
#include <string_view>

namespace vigil::wire {

/// Whether `text` is well-formed UTF-8: no stray continuation bytes,
/// overlong forms, surrogates (U+D800..U+DFFF) or code points above
/// U+10FFFF. NUL is a valid character.
[[nodiscard]] bool valid_utf8(std::string_view text) noexcept;

/// The number of code points in well-formed UTF-8 `text`.
[[nodiscard]] std::size_t code_points(std::string_view text) noexcept;

}  // namespace vigil::wire
