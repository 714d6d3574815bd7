#pragma once

// Helpers shared by the PromQL front-end tests.

#include <string>
#include <string_view>

#include "rules/promql/parser.hpp"
#include "rules/promql/printer.hpp"

namespace vigil::promql::test {

/// Every feature flag on, as Prometheus's test scripts run.
inline const parse_options everything = parse_options::all_enabled();

/// The query printed back after parsing, or "error: <first error>".
inline std::string reprint(std::string_view query, const parse_options& options = everything) {
  auto r = parse_expr(query, options);
  if (!r.ok()) return "error: " + r.errors.front().to_string();
  return to_string(**r.value);
}

/// The first error's full text ("1:5: parse error: ..."), or "" if it parses.
inline std::string first_error(std::string_view query, const parse_options& options = everything) {
  auto r = parse_expr(query, options);
  return r.ok() ? std::string{} : r.errors.front().to_string();
}

/// The tree with every operator application in parentheses, to show how
/// the parser grouped the operands: "(1 + (2 * 3))", "(-(1 ^ 2))".
inline std::string shape(const expr& e) {
  if (e.is<binary>()) {
    const auto& b = e.as<binary>();
    std::string op{to_string(b.op)};
    if (b.return_bool) op += " bool";
    return "(" + shape(*b.lhs) + " " + op + " " + shape(*b.rhs) + ")";
  }
  if (e.is<unary>()) {
    const auto& u = e.as<unary>();
    return std::string{"("} + (u.op == unary_op::minus ? "-" : "+") + shape(*u.inner) + ")";
  }
  if (e.is<paren>()) return "paren" + std::string{"("} + shape(*e.as<paren>().inner) + ")";
  return to_string(e);
}

/// shape() of the parsed query, or "error: ...".
inline std::string shape(std::string_view query) {
  auto r = parse_expr(query, everything);
  if (!r.ok()) return "error: " + r.errors.front().to_string();
  return shape(**r.value);
}

}  // namespace vigil::promql::test
