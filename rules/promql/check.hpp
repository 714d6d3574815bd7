#pragma once

// Type checking of a parsed query, as Prometheus's checkAST: operand types
// of operators, functions and aggregations, vector matching rules, selectors
// that would select everything. Like Prometheus it also settles two things
// in the tree: set operators become many-to-many, and operations with a
// scalar side lose their vector matching.

#include <string_view>
#include <vector>

#include "rules/promql/ast.hpp"
#include "rules/promql/parse_error.hpp"

namespace vigil::promql {

/// Checks `e` (parsed from `input`) and appends what is wrong to `errors`.
void check_types(expr& e, std::string_view input, std::vector<parse_error>& errors);

}  // namespace vigil::promql
