#pragma once

// Internal to the engine: the evaluator of one query. It walks the tree at
// one evaluation time per call; selectors (and info()'s info series) read
// from series fetched by `prefetch`. The operator families live in their
// own files (eval_binary.cpp, eval_aggregate.cpp, eval_functions.cpp,
// eval_range_functions.cpp, eval_histogram.cpp, eval_info.cpp). Warnings
// and infos are gathered for the whole query and handed out by `finish`.

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rules/promql/annotations.hpp"
#include "rules/promql/engine.hpp"

namespace vigil::promql {

/// A selected series as the evaluator holds it. `samples` is what selectors
/// see: each rollup point's last sample, then the raw samples. `rollups`
/// are those points, oldest first: `hours` hour points, then minute points.
struct selected_series {
  labels ls;
  std::vector<sample> samples;
  std::vector<rollup::point> rollups;
  size_t hours = 0;
  /// Where the previous step's searches ended (first_after), for the next.
  size_t sample_hint = 0, window_hint = 0, rollup_hint = 0, rollup_end_hint = 0;
};

/// The index of the first element of `v` (sorted by .t) after `x`,
/// galloping forward from `hint`, the previous step's answer a few elements
/// back: a range query walks each series once in order. (Binary searching
/// every series afresh at every step was dominated by cache misses.)
template <class T>
[[nodiscard]] size_t first_after(const std::vector<T>& v, timestamp x, size_t hint) {
  if (hint > v.size() || (hint > 0 && v[hint - 1].t > x)) hint = 0;
  size_t lo = hint, hi = hint, stride = 1;
  while (hi < v.size() && v[hi].t <= x) {
    lo = hi + 1;
    hi += stride;
    stride *= 2;
  }
  auto last = v.begin() + static_cast<ptrdiff_t>(std::min(hi, v.size()));
  return static_cast<size_t>(
      std::upper_bound(v.begin() + static_cast<ptrdiff_t>(lo), last, x,
                       [](timestamp a, const T& e) { return a < e.t; }) -
      v.begin());
}

/// A range vector together with the window it was read for, which rate()
/// and friends extrapolate to.
struct windowed_matrix {
  matrix_value series;
  /// By index into `series` (shorter when the rest have none): the window
  /// as rollup points, its raw samples as points of their own, where rollup
  /// points cover part of it and none is coarser than the range.
  std::vector<std::vector<rollup::point>> rollups;
  timestamp range_start = 0;  ///< exclusive
  timestamp range_end = 0;    ///< inclusive
  duration range{0};
};

/// An execution error with Prometheus's text.
[[nodiscard]] inline error eval_error(std::string message) {
  return error{errc::invalid_argument, std::move(message)};
}

/// `ls` without the labels in `names` (and without __name__ if `drop_name`).
[[nodiscard]] labels without_labels(const labels& ls, const std::vector<std::string>& names,
                                    bool drop_name);
/// `ls` with only the labels in `names`.
[[nodiscard]] labels only_labels(const labels& ls, const std::vector<std::string>& names);
/// The newest sample in (ref - lookback, ref], unless it is a staleness
/// marker.
/// `hint`, when given, is used and updated as first_after()'s.
[[nodiscard]] const sample* newest_sample(const std::vector<sample>& samples, timestamp ref,
                                          duration lookback, size_t* hint = nullptr);

/// The matchers info() selects its info series with (eval_info.cpp).
[[nodiscard]] std::vector<index::matcher> info_matchers(const call& c);

/// `ls` with `name` set to `value` (removed when `value` is empty).
[[nodiscard]] labels with_label(const labels& ls, std::string_view name, std::string_view value);

class evaluator {
 public:
  evaluator(queryable& q, const engine_options& options, const query_limits& limits,
            timestamp start, timestamp end, duration step);

  /// Reads every selector's series for evaluation times in [min_t, max_t],
  /// at the coarsest resolution the query allows (see resolution()).
  [[nodiscard]] std::optional<error> prefetch(const expr& e, timestamp min_t, timestamp max_t);

  /// The value of `e` at `t`.
  [[nodiscard]] expected<value> eval(const expr& e, timestamp t);
  /// The value of `e` at `t`, which must be an instant vector or scalar.
  [[nodiscard]] expected<vector_value> eval_vector(const expr& e, timestamp t);
  [[nodiscard]] expected<double> eval_scalar(const expr& e, timestamp t);
  /// A range selector or subquery at `t`.
  [[nodiscard]] expected<windowed_matrix> eval_matrix(const expr& e, timestamp t);

  /// After the last evaluation: the checks Prometheus makes once over every
  /// step's aggregation parameters (warnings about a quantile or ratio out
  /// of range, the int64 underflow of a k), then everything annotated.
  [[nodiscard]] expected<annotations> finish();

  /// The timeout error once the query's time is up.
  [[nodiscard]] std::optional<error> check_time() const;

  /// The milliseconds of a duration expression (or number literal).
  [[nodiscard]] int64_t duration_ms(const expr& e) const;

 private:
  struct fetch_window {
    timestamp min_t;
    timestamp max_t;
  };
  // The values an aggregation's parameter took; once one is NaN, only that
  // counts (Prometheus's running math.Max and math.Min turn NaN).
  struct param_bounds {
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
    bool nan = false;
  };
  [[nodiscard]] timestamp at_time(const at_modifier& at, timestamp t) const;
  [[nodiscard]] int64_t offset_ms(const vector_selector& vs) const;
  void plan(const expr& e, timestamp min_t, timestamp max_t);
  [[nodiscard]] duration resolution(const expr& e) const;
  [[nodiscard]] int64_t finest_window(const expr& e, int64_t bound) const;
  void plan_info(const expr& e, timestamp min_t, timestamp max_t);
  void widen(const expr* selector, timestamp min_t, timestamp max_t);
  [[nodiscard]] vector_value select_instant(const vector_selector& vs, const expr* node,
                                            timestamp t);
  [[nodiscard]] expected<windowed_matrix> eval_subquery(const subquery& sq, timestamp t);
  [[nodiscard]] expected<value> eval_binary(const binary& b, timestamp t);
  [[nodiscard]] expected<value> eval_aggregate(const aggregate& a, timestamp t);
  [[nodiscard]] expected<value> eval_call(const call& c, timestamp t);
  [[nodiscard]] expected<value> eval_info(const expr& e, timestamp t);

  queryable& queryable_;
  const engine_options& options_;
  const query_limits& limits_;
  timestamp start_;
  timestamp end_;
  duration step_;
  // Keyed by vector selector, or by info() call for its info series.
  std::map<const expr*, fetch_window> windows_;
  std::map<const expr*, std::vector<selected_series>> data_;
  std::map<const aggregate*, param_bounds> params_;
  annotations notes_;
};

}  // namespace vigil::promql
