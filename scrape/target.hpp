#pragma once

// Targets of a job: what target groups become after Prometheus's label
// population and relabel_configs (Prometheus 2.42, scrape/target.go
// populateLabels). For each address of a group:
//
// 1. labels = the group's labels, __address__, then the job's defaults for
//    labels not already set: job, __scheme__, __metrics_path__,
//    __scrape_interval__, __scrape_timeout__; then __param_<name> (the
//    first value of each param), which overrides a group's label;
// 2. relabel_configs; a dropped set is a dropped target;
// 3. no __address__ left is an error; so is an interval or timeout that
//    does not parse, or a timeout longer than the interval;
// 4. instance defaults to __address__; labels starting with "__" go
//    (after the URL is built from __scheme__, __address__, __metrics_path__
//    and __param_*, the job's other params kept), as do empty values.
//
// Plain C++, no state.

#include <span>
#include <string>
#include <vector>

#include "scrape/job.hpp"

namespace vigil::scrape {

struct target {
  labels target_labels;      ///< what every scraped series gets: job, instance, ...
  labels discovered_labels;  ///< before relabelling (for the targets API)
  std::string url;           ///< scheme://address/path?params
  duration interval{0};
  duration timeout{0};
};

/// A discovered target that relabelling dropped (the targets API lists them).
struct dropped_target {
  labels discovered_labels;
};

struct target_set {
  std::vector<target> active;  ///< deduplicated by target_labels, in discovery order
  std::vector<dropped_target> dropped;
  /// One line per group address that could not become a target, e.g.
  /// `targets.json: "a b": no address`; the rest of the job still runs.
  std::vector<std::string> errors;
};

/// The targets of `j` from `groups` (its static_configs and what its
/// file_sd_configs found).
[[nodiscard]] target_set build_targets(const job& j, std::span<const target_group> groups);

}  // namespace vigil::scrape
