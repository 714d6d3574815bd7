#pragma once

// Evaluates parsed PromQL with Prometheus 3's semantics: a selector takes
// the newest sample in the left-open window (t - lookback, t], a staleness
// marker ends a series, range selectors cover (t - range, t], offset and @
// shift the window (@ start()/end() name the query's bounds), and metric
// names are removed after evaluation (delayed name removal).
//
// A range query evaluates the expression at every step and stitches the
// instant results into series. Data is read from the queryable once per
// selector, before evaluation, for the whole window the query can touch; a
// range query whose step (and every range in it) is at least a minute or an
// hour reads rollups of that resolution where they exist. Data only the
// rollup tiers still hold is evaluated over rollup points (docs/promql.md).
//
// Nothing here reads the clock: evaluation times are parameters. An
// engine is immutable after construction and may be shared between threads;
// the queryable passed to a call is used by that call only.

#include <chrono>
#include <functional>

#include "rules/promql/annotations.hpp"
#include "rules/promql/ast.hpp"
#include "rules/promql/queryable.hpp"
#include "rules/promql/value.hpp"
#include "storage/base/expected.hpp"

namespace vigil::promql {

struct engine_options {
  /// How far back a selector looks for the newest sample.
  duration lookback_delta = std::chrono::minutes{5};
  /// The step of subqueries written without one (`x[5m:]`).
  duration default_subquery_step = std::chrono::minutes{1};
};

/// The bounds of one query. Past one, the query fails: with
/// errc::limit_exceeded and Prometheus's "query processing would load too
/// many samples into memory in query execution" (or "... too many series
/// ..."), or with errc::timeout and "query timed out in expression
/// evaluation" once `expired` says so.
struct query_limits {
  uint64_t max_samples = 0;  ///< samples read from storage; 0: no limit
  uint64_t max_series = 0;   ///< series read from storage; 0: no limit
  /// Polled between selects and evaluation steps (the caller's clock).
  std::function<bool()> expired;
};

class engine {
 public:
  explicit engine(engine_options options = {}) : options_(options) {}

  /// The value of `e` at `t`: a scalar, string, vector or (for a range
  /// selector or subquery) matrix. Errors carry Prometheus's messages; a
  /// result's warnings and infos go to `notes` when given.
  [[nodiscard]] expected<value> eval_instant(queryable& q, const expr& e, timestamp t,
                                             const query_limits& limits = {},
                                             annotations* notes = nullptr) const;

  /// The value of `e` at start, start+step, ... up to end as a matrix of
  /// series sorted by labels; `e` must be a scalar or an instant vector.
  [[nodiscard]] expected<matrix_value> eval_range(queryable& q, const expr& e, timestamp start,
                                                  timestamp end, duration step,
                                                  const query_limits& limits = {},
                                                  annotations* notes = nullptr) const;

 private:
  engine_options options_;
};

}  // namespace vigil::promql
