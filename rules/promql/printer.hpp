#pragma once

// Prints a syntax tree back as PromQL, the way Prometheus's String() does
// (what /api/v1/format_query returns): canonical spacing, `sum by (job)
// (...)`, matchers sorted with the metric name outside the braces, durations
// as 1h30m, strings with Go's quoting. Parsing the output gives an equal
// tree (same_tree).

#include <string>

#include "rules/promql/ast.hpp"

namespace vigil::promql {

/// The query text of `e`.
[[nodiscard]] std::string to_string(const expr& e);

}  // namespace vigil::promql
