#pragma once

// The router: the one place writes enter storage. A batch (from a scrape, a
// push connection, remote write) is split by destination shard — a series
// goes to shard `labels::hash() % shards`, the same everywhere — and each
// part goes to its shard as one message; the answer merges the shards'
// acks back into the batch's own indices once every part is durable.
//
// Backpressure: at most `max_inflight` unanswered batches per shard. A part
// for a shard at its limit, or restarting, is not queued: its series are
// answered `overloaded`, and the caller (which bounds its own in-flight
// writes) slows down or retries. So a slow shard never grows a queue here.

#include <functional>

#include "actors/interfaces.hpp"
#include "storage/base/metrics.hpp"

namespace vigil::actors {

struct router_config {
  uint32_t shards = 1;
  size_t max_inflight = 64;  ///< unanswered batches per shard
  caf::timespan timeout = std::chrono::seconds{30};
};

/// The shard actor currently serving shard `index`; null while it restarts.
using shard_lookup = std::function<shard_actor(uint32_t index)>;

/// The shard a series belongs to (by its labels, or by the label hash that
/// comes with a ref).
[[nodiscard]] uint32_t shard_of(const series_write& w, uint32_t shards);

[[nodiscard]] router_actor spawn_router(caf::event_based_actor* parent, router_config cfg,
                                        shard_lookup lookup, metrics::registry* registry);

}  // namespace vigil::actors
