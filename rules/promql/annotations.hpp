#pragma once

// Warnings and infos about a query that still has a result, as Prometheus
// 3.9 reports them (util/annotations): a warning says the result may be
// wrong (a quantile outside [0, 1], a bucket without a usable `le`), an
// info that the query may not mean what it says (rate() over a metric not
// named like a counter). Each text is kept once, however many series or
// steps raised it. Not thread-safe; one query fills one set.

#include <set>
#include <string>
#include <string_view>

#include "rules/promql/literals.hpp"

namespace vigil::promql {

struct annotations {
  std::set<std::string> warnings;  ///< "PromQL warning: ..."
  std::set<std::string> infos;     ///< "PromQL info: ..."

  void warn(std::string_view what) { warnings.insert("PromQL warning: " + std::string{what}); }
  void info(std::string_view what) { infos.insert("PromQL info: " + std::string{what}); }
};

/// " for metric name \"x\"", as Prometheus ends an annotation about the
/// series `name`; "" when the name is empty.
[[nodiscard]] inline std::string for_metric_name(std::string_view name) {
  return name.empty() ? std::string{} : " for metric name " + quote(name);
}

}  // namespace vigil::promql
