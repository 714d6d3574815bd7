#pragma once

// Internal to the engine: function families implemented outside
// eval_functions.cpp (which dispatches calls): range functions in
// eval_range_functions.cpp, histogram_quantile in eval_histogram.cpp.

#include <string_view>
#include <vector>

#include "rules/promql/evaluator.hpp"

namespace vigil::promql {

/// Whether `name` takes a range vector and folds each series to one value.
[[nodiscard]] bool is_range_function(std::string_view name);

/// Applies the range function `name` to every series of `m` at `t`;
/// `args` are its scalar arguments in order (quantile's φ, predict_linear's
/// horizon). Notes a φ outside [0, 1] and rate() or increase() over a
/// name that is not a counter's.
[[nodiscard]] vector_value range_function(std::string_view name, const windowed_matrix& m,
                                          const std::vector<double>& args, timestamp t,
                                          annotations& notes);

/// The φ-quantile of `values` (sorted in place, NaN first), as quantile()
/// and quantile_over_time() compute it; defined in eval_aggregate.cpp.
[[nodiscard]] double quantile_of(double phi, std::vector<double>& values);

/// histogram_quantile(q, buckets) over classic `le` buckets. Notes a q
/// outside [0, 1], buckets without a number in `le` (left out) and counts
/// that had to be made monotonic.
[[nodiscard]] vector_value histogram_quantile(double q, const vector_value& buckets, timestamp t,
                                              annotations& notes);

/// histogram_fraction(lower, upper, buckets) over classic `le` buckets;
/// notes buckets without a number in `le`.
[[nodiscard]] vector_value histogram_fraction(double lower, double upper,
                                              const vector_value& buckets, timestamp t,
                                              annotations& notes);

/// The warning about a quantile outside [0, 1] (or NaN), without its prefix.
[[nodiscard]] std::string invalid_quantile(double q);

}  // namespace vigil::promql
