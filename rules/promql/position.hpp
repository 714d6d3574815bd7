#pragma once

// Positions in PromQL input: byte offsets, and the 1-based line and column
// that error messages show (columns count bytes, as Prometheus does).

#include <cstddef>
#include <string_view>

namespace vigil::promql {

/// A half-open byte range [start, end) of the input.
struct position_range {
  size_t start = 0;
  size_t end = 0;
  friend bool operator==(const position_range&, const position_range&) = default;
};

/// A 1-based line and byte column.
struct line_column {
  size_t line = 1;
  size_t column = 1;
  friend bool operator==(const line_column&, const line_column&) = default;
};

/// Where byte `offset` of `input` is. Offsets past the end count as the end.
[[nodiscard]] line_column locate(std::string_view input, size_t offset) noexcept;

}  // namespace vigil::promql
