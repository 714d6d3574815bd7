#pragma once

// The shard actor: owns one shard_engine, stores write batches and answers
// them once durable, serves selections and status, and persists cut chunks
// on a timer, in slices between writes.

#include <functional>

#include "actors/interfaces.hpp"
#include "storage/base/metrics.hpp"

namespace vigil::actors {

struct shard_config {
  uint32_t index = 0;
  shard_options storage;
  duration persist_interval = std::chrono::seconds{10};
  /// Chunks persisted per message (a few milliseconds of work).
  size_t persist_slice = 2048;
  duration maintain_interval = std::chrono::minutes{5};
  /// Called after each write that stored samples, with the oldest of them:
  /// the range-query cache drops what a write into the past changes.
  std::function<void(timestamp oldest_accepted)> on_accepted;
};

/// Spawns a shard actor; the engine is opened inside it (WAL replayed),
/// then `on_started` runs. A failure to open makes the actor fail (its
/// supervisor retries with backoff).
[[nodiscard]] shard_actor spawn_shard(caf::event_based_actor* parent, shard_config cfg,
                                      metrics::registry* registry,
                                      std::function<void()> on_started = {});

}  // namespace vigil::actors
