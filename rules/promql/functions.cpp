#include "rules/promql/functions.hpp"

#include <algorithm>

namespace vigil::promql {
namespace {

constexpr value_type scalar = value_type::scalar;
constexpr value_type vector = value_type::vector;
constexpr value_type matrix = value_type::matrix;
constexpr value_type string = value_type::string;

// Prometheus 3.9's function table (promql/parser/functions.go), sorted by
// name so lookups can bisect.
const std::vector<function>& table() {
  static const std::vector<function> functions{
      {"abs", {vector}},
      {"absent", {vector}},
      {"absent_over_time", {matrix}},
      {"acos", {vector}},
      {"acosh", {vector}},
      {"asin", {vector}},
      {"asinh", {vector}},
      {"atan", {vector}},
      {"atanh", {vector}},
      {"avg_over_time", {matrix}},
      {"ceil", {vector}},
      {"changes", {matrix}},
      {"clamp", {vector, scalar, scalar}},
      {"clamp_max", {vector, scalar}},
      {"clamp_min", {vector, scalar}},
      {"cos", {vector}},
      {"cosh", {vector}},
      {"count_over_time", {matrix}},
      {"day_of_month", {vector}, 1},
      {"day_of_week", {vector}, 1},
      {"day_of_year", {vector}, 1},
      {"days_in_month", {vector}, 1},
      {"deg", {vector}},
      {"delta", {matrix}},
      {"deriv", {matrix}},
      {"double_exponential_smoothing", {matrix, scalar, scalar}, 0, vector, true},
      {"exp", {vector}},
      {"first_over_time", {matrix}, 0, vector, true},
      {"floor", {vector}},
      {"histogram_avg", {vector}},
      {"histogram_count", {vector}},
      {"histogram_fraction", {scalar, scalar, vector}},
      {"histogram_quantile", {scalar, vector}},
      {"histogram_stddev", {vector}},
      {"histogram_stdvar", {vector}},
      {"histogram_sum", {vector}},
      {"hour", {vector}, 1},
      {"idelta", {matrix}},
      {"increase", {matrix}},
      {"info", {vector, vector}, 1, vector, true},
      {"irate", {matrix}},
      {"label_join", {vector, string, string, string}, -1},
      {"label_replace", {vector, string, string, string, string}},
      {"last_over_time", {matrix}},
      {"ln", {vector}},
      {"log10", {vector}},
      {"log2", {vector}},
      {"mad_over_time", {matrix}, 0, vector, true},
      {"max_over_time", {matrix}},
      {"min_over_time", {matrix}},
      {"minute", {vector}, 1},
      {"month", {vector}, 1},
      {"pi", {}, 0, scalar},
      {"predict_linear", {matrix, scalar}},
      {"present_over_time", {matrix}},
      {"quantile_over_time", {scalar, matrix}},
      {"rad", {vector}},
      {"rate", {matrix}},
      {"resets", {matrix}},
      {"round", {vector, scalar}, 1},
      {"scalar", {vector}, 0, scalar},
      {"sgn", {vector}},
      {"sin", {vector}},
      {"sinh", {vector}},
      {"sort", {vector}},
      {"sort_by_label", {vector, string}, -1, vector, true},
      {"sort_by_label_desc", {vector, string}, -1, vector, true},
      {"sort_desc", {vector}},
      {"sqrt", {vector}},
      {"stddev_over_time", {matrix}},
      {"stdvar_over_time", {matrix}},
      {"sum_over_time", {matrix}},
      {"tan", {vector}},
      {"tanh", {vector}},
      {"time", {}, 0, scalar},
      {"timestamp", {vector}},
      {"ts_of_first_over_time", {matrix}, 0, vector, true},
      {"ts_of_last_over_time", {matrix}, 0, vector, true},
      {"ts_of_max_over_time", {matrix}, 0, vector, true},
      {"ts_of_min_over_time", {matrix}, 0, vector, true},
      {"vector", {scalar}},
      {"year", {vector}, 1},
  };
  return functions;
}

}  // namespace

std::string_view to_string(value_type t) noexcept {
  switch (t) {
    case value_type::none:
      return "none";
    case value_type::scalar:
      return "scalar";
    case value_type::vector:
      return "vector";
    case value_type::matrix:
      return "matrix";
    case value_type::string:
      return "string";
  }
  return "none";
}

std::string_view documented_name(value_type t) noexcept {
  if (t == value_type::vector) return "instant vector";
  if (t == value_type::matrix) return "range vector";
  return to_string(t);
}

const function* find_function(std::string_view name) noexcept {
  const auto& fns = table();
  auto it = std::lower_bound(fns.begin(), fns.end(), name,
                             [](const function& f, std::string_view n) { return f.name < n; });
  return it != fns.end() && it->name == name ? &*it : nullptr;
}

std::span<const function> all_functions() noexcept {
  return table();
}

}  // namespace vigil::promql
