#pragma once

// The write_sinks of a node: batches go to the router actor
// (node/ingest/router) from an actor, so that neither the loop thread nor
// the caller waits. Shared by the HTTP ingest endpoints and the TCP push
// server.

#include <caf/fwd.hpp>

#include "runtime/actor_directory.hpp"
#include "runtime/write_sink.hpp"

namespace vigil::runtime {

/// Stores `batch` through the router, asked from a short-lived actor.
/// `done` runs on that actor's thread: the ack, or an error
/// (errc::unavailable) when the router is restarting or does not answer
/// within a minute. Independent batches only: two
/// calls may reach the router in either order.
void write_through_router(caf::actor_system& sys, const actor_directory& directory,
                          std::vector<series_write> batch, write_done done);

/// A sink that keeps order: batches handed to it from one thread reach
/// the router, and so each shard, in that order (one forwarding actor; a
/// mailbox is FIFO per sender), so pipelined writes of one push connection
/// never overtake each other. Answers as write_through_router. The actor
/// stops when the last copy of the sink is gone; `sys` and `directory`
/// must outlive it.
[[nodiscard]] write_sink ordered_router_sink(caf::actor_system& sys,
                                             const actor_directory& directory);

}  // namespace vigil::runtime
