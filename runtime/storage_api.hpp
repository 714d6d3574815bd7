#pragma once

// HTTP endpoints backed by the shard actors:
//   POST /api/v1/admin/flush   (admin) persist every head chunk, checkpoint the WALs
//   GET  /api/v1/status/tsdb   (read)  Prometheus's TSDB status plus a `storage` object
// Each request spawns a short-lived actor that asks every shard and
// completes the HTTP responder, so neither the loop nor an actor blocks.

#include <caf/fwd.hpp>

#include "runtime/actor_directory.hpp"
#include "runtime/auth.hpp"
#include "runtime/http/router.hpp"

namespace vigil::runtime {

void add_storage_routes(http::router& router, caf::actor_system& sys,
                        const actor_directory& directory, const authenticator& auth);

}  // namespace vigil::runtime
