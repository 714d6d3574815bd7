#pragma once

// Metric metadata: what a target's TYPE, HELP and UNIT lines say about
// each metric family, for Prometheus's metadata APIs.

#include <functional>
#include <map>
#include <string>

namespace vigil::scrape {

struct metric_metadata {
  std::string type = "unknown";  ///< counter, gauge, ..., as OpenMetrics spells it
  std::string help;
  std::string unit;
  friend bool operator==(const metric_metadata&, const metric_metadata&) = default;
};

/// A target's metadata by family name.
using metadata_map = std::map<std::string, metric_metadata, std::less<>>;

}  // namespace vigil::scrape
