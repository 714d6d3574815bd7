#pragma once

// The node's own HTTP endpoints: health, readiness, self-metrics and admin
// fault injection. Later capabilities register their routes beside these.

#include <atomic>

#include "runtime/actor_directory.hpp"
#include "runtime/auth.hpp"
#include "runtime/http/router.hpp"
#include "runtime/http/server.hpp"
#include "storage/base/metrics.hpp"

namespace vigil::runtime {

/// What the node's endpoints read; everything outlives the HTTP server.
struct node_api {
  metrics::registry* registry = nullptr;
  actor_directory* directory = nullptr;
  const authenticator* auth = nullptr;
  const std::atomic<bool>* ready = nullptr;
};

/// Registers GET /-/healthy, GET /-/ready, GET /metrics,
/// GET /api/v1/status/buildinfo (read role) and POST /api/v1/admin/fault
/// (admin role).
void add_node_routes(http::router& router, const node_api& api);

/// Wraps `h` so it runs only for requests whose bearer token has `needed`;
/// others get 401 or 403 in Prometheus's error shape.
[[nodiscard]] http::handler require_role(const authenticator& auth, config::role needed,
                                         http::handler h);

/// Records requests by handler and status code, and their latency.
[[nodiscard]] http::observer http_metrics(metrics::registry& registry);

}  // namespace vigil::runtime
