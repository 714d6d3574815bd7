#pragma once

// The standard process_* metrics every Prometheus client exports, read from
// /proc on each render: CPU seconds, resident and virtual memory, open and
// maximum file descriptors, start time.

#include "storage/base/metrics.hpp"

namespace vigil::metrics {

/// Registers the process_* gauges and a collector that refreshes them.
void register_process_metrics(registry& reg);

}  // namespace vigil::metrics
