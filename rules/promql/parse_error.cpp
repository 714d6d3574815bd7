#include "rules/promql/parse_error.hpp"

namespace vigil::promql {

parse_error parse_error::at(std::string_view input, position_range range, std::string message) {
  std::optional<line_column> where;
  if (!input.empty()) where = locate(input, range.start);
  return parse_error{range, where, std::move(message)};
}

std::string parse_error::to_string() const {
  std::string out = where ? std::to_string(where->line) + ":" + std::to_string(where->column)
                          : std::string{"unknown position"};
  out += ": parse error: ";
  out += message;
  return out;
}

error to_error(const std::vector<parse_error>& errors) {
  if (errors.empty()) return error{errc::internal, "parse failed without an error"};
  return error{errc::parse_error, errors.front().to_string()};
}

}  // namespace vigil::promql
