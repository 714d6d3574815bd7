#pragma once

// The escapes of quoted strings and help texts. Both formats write a
// backslash as \\, a double quote as \" and a line feed as \n; the text
// format allows nothing else after a backslash (and no \" in help), while
// OpenMetrics keeps any other backslash pair as written. Which pairs are
// allowed is the scanner's business; resolving is the same for both.

#include <cstddef>
#include <string>
#include <string_view>

namespace vigil::wire {

/// Appends `raw` to `out` with \\, \" and \n resolved; any other backslash
/// pair is copied unchanged.
void append_unescaped(std::string_view raw, std::string& out);

/// The number of UTF-8 code points `raw` (well-formed UTF-8) has once
/// unescaped as append_unescaped() would.
[[nodiscard]] std::size_t unescaped_code_points(std::string_view raw) noexcept;

}  // namespace vigil::wire
