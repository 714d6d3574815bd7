#pragma once

// The values PromQL expressions evaluate to, as in Prometheus: a scalar, a
// string, an instant vector (one value per series at the evaluation time)
// or a range vector (points per series). Elements carry Prometheus 3's
// delayed name removal: `drop_name` marks a series whose __name__ goes once
// the whole query is evaluated.

#include <string>
#include <variant>
#include <vector>

#include "storage/base/labels.hpp"
#include "storage/base/sample.hpp"

namespace vigil::promql {

/// A number.
struct scalar_value {
  double v = 0;
};

/// A string literal's value.
struct string_value {
  std::string v;
};

/// One series of an instant vector. `t` is the sample's own timestamp for
/// values read by a selector, otherwise the evaluation time.
struct element {
  labels metric;
  double v = 0;
  timestamp t = 0;
  bool drop_name = false;
};
/// An instant vector.
using vector_value = std::vector<element>;

/// One series of a range vector, points oldest first.
struct series_points {
  labels metric;
  std::vector<sample> points;
  bool drop_name = false;
};
/// A range vector (or a range query's result).
using matrix_value = std::vector<series_points>;

/// Any result of evaluation.
using value = std::variant<scalar_value, string_value, vector_value, matrix_value>;

}  // namespace vigil::promql
