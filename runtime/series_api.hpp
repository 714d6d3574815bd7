#pragma once

// Prometheus's metadata endpoints over the shard actors (read role), GET
// or form POST, with `match[]` selectors and `start`/`end` as Prometheus
// takes them (RFC 3339 or Unix seconds):
//   /api/v1/labels                 label names
//   /api/v1/label/<name>/values    one label's values
//   /api/v1/series                 label sets of the matching series
// Answers are at block granularity in time, as Prometheus's.

#include <caf/fwd.hpp>

#include "runtime/actor_directory.hpp"
#include "runtime/auth.hpp"
#include "runtime/http/router.hpp"

namespace vigil::runtime {

void add_series_routes(http::router& router, caf::actor_system& sys,
                       const actor_directory& directory, const authenticator& auth);

}  // namespace vigil::runtime
