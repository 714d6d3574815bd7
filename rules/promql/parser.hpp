#pragma once

// Entry points of the PromQL front end. Queries parse with Prometheus 3's
// grammar, operator precedence and type checks; errors carry Prometheus's
// messages and positions. Series descriptions are the value notation of
// PromQL test scripts and promtool rule tests.
//
// The functions are pure: thread-safe, no clock, no I/O.

#include <optional>
#include <string_view>
#include <vector>

#include "rules/promql/ast.hpp"
#include "rules/promql/parse_error.hpp"
#include "storage/base/labels.hpp"
#include "storage/index/matcher.hpp"

namespace vigil::promql {

/// Prometheus's feature flags that change what parses, and a safety limit.
struct parse_options {
  /// Functions and aggregations marked experimental (limitk, info,
  /// sort_by_label, ...): --enable-feature=promql-experimental-functions.
  bool experimental_functions = false;
  /// Arithmetic in durations ([5m+1m], offset (1h*2)):
  /// --enable-feature=promql-duration-expr. step(), min() and max() of
  /// durations parse without it, as in Prometheus.
  bool duration_expressions = false;
  /// The `anchored` and `smoothed` range modifiers:
  /// --enable-feature=promql-extended-range-selectors.
  bool extended_range_selectors = false;
  /// Deeper nesting (parentheses, calls, operator chains) is an error, so a
  /// hostile query cannot exhaust the stack of whoever walks the tree.
  size_t max_depth = 1000;

  /// Every feature on, as Prometheus's own test scripts run.
  [[nodiscard]] static parse_options all_enabled() { return {true, true, true}; }
};

/// Parses and type-checks a query. On failure `errors` holds every error
/// found, Prometheus's first one first.
[[nodiscard]] parse_result<expr_ptr> parse_expr(std::string_view input,
                                                const parse_options& options = {});

/// Parses a series selector (`up{job="x"}`, `{__name__=~"a.*"}`) into its
/// matchers, the metric name's last, like Prometheus's ParseMetricSelector.
/// No other expression is accepted; matchers that select everything are
/// allowed (callers such as /api/v1/series decide).
[[nodiscard]] parse_result<std::vector<index::matcher>> parse_selector(std::string_view input);

/// A series of a test script or rule test: labels and one optional value per
/// step (nullopt: no sample, written `_`). `stale` is Prometheus's stale NaN.
struct series_desc {
  labels metric;
  std::vector<std::optional<double>> values;
};

/// Parses `metric{a="b"} 1+2x3 _ stale -1-1x2 _x3 1x4`: `a+bxn` expands to
/// the n+1 values a, a+b, ..., `axn` to n+1 copies, `_xn` to n gaps. Native
/// histogram values (`{{...}}`) are rejected as unsupported.
[[nodiscard]] parse_result<series_desc> parse_series_desc(std::string_view input);

}  // namespace vigil::promql
