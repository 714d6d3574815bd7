#pragma once

// Helpers shared by the PromQL tests.

#include <catch2/catch.hpp>
#include <chrono>
#include <initializer_list>
#include <string>
#include <string_view>

#include "rules/promql/engine.hpp"
#include "rules/promql/parser.hpp"
#include "rules/promql/printer.hpp"
#include "rules/promql/queryable.hpp"

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

/// Adds series written as a test script's `load <interval>` lines
/// (`m{a="b"} 0+10x10`), the first value at time 0.
inline void load(memory_queryable& q, std::chrono::milliseconds interval,
                 std::initializer_list<std::string_view> lines) {
  for (auto line : lines) {
    auto desc = parse_series_desc(line);
    REQUIRE(desc.ok());
    std::vector<sample> samples;
    for (size_t i = 0; i < desc.value->values.size(); ++i)
      if (desc.value->values[i])
        samples.push_back({int64_t(i) * interval.count(), *desc.value->values[i]});
    q.add(desc.value->metric, samples);
  }
}

/// `query` at `t` over `q` (every feature on); its annotations go to `notes`.
inline expected<value> instant(queryable& q, std::string_view query, timestamp t,
                               annotations* notes = nullptr) {
  auto parsed = parse_expr(query, everything);
  REQUIRE(parsed.ok());
  return engine{}.eval_instant(q, **parsed.value, t, {}, notes);
}

/// `query` from `start` to `end` every `step` over `q`.
inline expected<matrix_value> range(queryable& q, std::string_view query, timestamp start,
                                    timestamp end, std::chrono::milliseconds step,
                                    annotations* notes = nullptr) {
  auto parsed = parse_expr(query, everything);
  REQUIRE(parsed.ok());
  return engine{}.eval_range(q, **parsed.value, start, end, step, {}, notes);
}

}  // namespace vigil::promql::test
