#pragma once

// HTTP endpoints that write samples, all through the router actor
// (node/ingest/router), answering once the samples are durable:
//   POST /api/v1/push   (write) one msgpack write message, docs/protocol.md
//   POST /api/v1/write  (write) Prometheus remote write 1.0 (snappy + protobuf)
//   POST /write         (write) InfluxDB line protocol, ?precision=ns|us|ms|s|m|h
// Each request spawns a short-lived actor that asks the router and
// completes the HTTP responder, so neither the loop nor an actor blocks.

#include <caf/fwd.hpp>

#include "runtime/actor_directory.hpp"
#include "runtime/auth.hpp"
#include "runtime/http/router.hpp"

namespace vigil::runtime {

/// `max_bytes` bounds a decompressed remote-write body.
void add_ingest_routes(http::router& router, caf::actor_system& sys,
                       const actor_directory& directory, const authenticator& auth,
                       size_t max_bytes);

}  // namespace vigil::runtime
