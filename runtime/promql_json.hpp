#pragma once

// A PromQL syntax tree as /api/v1/parse_query returns it: Prometheus's
// JSON shape for the query tree view (web/api/v1/translate_ast.go), one
// object per node with its "type" and fields.

#include <nlohmann/json.hpp>

#include "rules/promql/ast.hpp"

namespace vigil::runtime {

[[nodiscard]] nlohmann::json to_json(const promql::expr& e);

}  // namespace vigil::runtime
