#pragma once

// Scrape endpoints: Prometheus's GET /api/v1/targets (read role) from the
// target board, and POST|PUT /-/reload (admin role), which reloads the
// configuration file as SIGHUP does: 200 once applied, 500 with the
// configuration's errors (the running configuration stays) otherwise.

#include <functional>
#include <optional>

#include "runtime/auth.hpp"
#include "runtime/http/router.hpp"
#include "scrape/target_status.hpp"
#include "storage/base/error.hpp"

namespace vigil::runtime {

/// Reloads the configuration; the error says why it was not applied.
using reloader = std::function<std::optional<error>()>;

void add_scrape_routes(http::router& router, const authenticator& auth,
                       const scrape::target_board& board, reloader reload);

}  // namespace vigil::runtime
