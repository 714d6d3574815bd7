#include "rules/promql/position.hpp"

#include <algorithm>

namespace vigil::promql {

line_column locate(std::string_view input, size_t offset) noexcept {
  offset = std::min(offset, input.size());
  line_column lc;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (input[i] == '\n') {
      ++lc.line;
      line_start = i + 1;
    }
  }
  lc.column = offset - line_start + 1;
  return lc;
}

}  // namespace vigil::promql
