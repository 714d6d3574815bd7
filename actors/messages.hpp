#pragma once

// The data vigil's actors exchange. Plain structs; the engines define most
// of them. Messages stay on one node until the cluster capability
// registers them for the network (with inspect() overloads).

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/shard/shard_engine.hpp"

namespace vigil::actors {

/// A shard's answer to a write batch, sent once the batch is durable.
struct write_ack {
  uint64_t accepted = 0;
  std::vector<write_issue> issues;
  /// Each series' ref in its shard, by batch index (write_result::refs).
  std::vector<uint32_t> refs;
};

/// A selection: matchers, an inclusive time range in milliseconds and the
/// coarsest resolution the reader can use (shard_engine::select).
struct select_request {
  std::vector<index::matcher> matchers;
  timestamp min_t = 0;
  timestamp max_t = 0;
  duration resolution{0};
};

/// Label names (no `name`) or the values of label `name`, among series
/// matching `matchers` with data in [min_t, max_t].
struct label_request {
  std::optional<std::string> name;
  std::vector<index::matcher> matchers;
  timestamp min_t = 0;
  timestamp max_t = 0;
};

/// Label sets of series (a struct: CAF would take `labels` for a list).
struct series_list {
  std::vector<labels> series;
};

using name_count = std::pair<std::string, uint64_t>;

/// The `n` entries with the highest counts, highest first.
[[nodiscard]] inline std::vector<name_count> top_counts(std::vector<name_count> v, size_t n) {
  std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second > b.second; });
  if (v.size() > n) v.resize(n);
  return v;
}

/// What a shard reports for /metrics and /api/v1/status/tsdb.
struct shard_status {
  uint32_t shard = 0;
  head::head_stats head;
  uint64_t memory_bytes = 0;
  uint64_t label_pairs = 0;
  std::vector<name_count> series_by_metric;  ///< top entries, by count
  std::vector<name_count> values_by_label;   ///< distinct values per label name
  std::vector<name_count> series_by_pair;    ///< top "name=value" pairs, by count
  std::vector<name_count> memory_by_label;   ///< bytes of values held per label name
  std::vector<persist::catalog::tier_usage> tiers;
  uint64_t wal_bytes = 0;
  uint64_t db_bytes = 0;
};

}  // namespace vigil::actors
