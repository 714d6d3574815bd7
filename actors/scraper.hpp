#pragma once

// The scraper: one actor per scrape target. On a timer it fetches the
// target through the HTTP client (on the loop thread), turns the response
// into a write batch with its scrape_loop (scrape/scrape_loop.hpp) and
// hands it to the router; the router's answer teaches the loop its refs.
//
// Scrapes of a target never overlap: a tick that finds the previous scrape
// (fetch and write) unfinished is skipped, as Prometheus skips. Ticks are
// aligned to the interval plus an offset from a hash of the target, so a
// node's targets spread over the interval instead of firing together, and
// a restarted scraper keeps its rhythm.
//
// Retired (the target went away): it writes stale markers for the series
// of its last scrape and exits normally. Stopped (the node is shutting
// down): it exits without them, so a restart does not cut every series.

#include <memory>

#include "actors/interfaces.hpp"
#include "runtime/http/client.hpp"
#include "scrape/job.hpp"
#include "scrape/target_status.hpp"
#include "storage/base/metrics.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::http::fetch_result)

namespace vigil::actors {

/// One scraper's target and job.
struct scraper_config {
  std::shared_ptr<const scrape::job> job;
  scrape::target target;
  std::string key;  ///< its name among its siblings, and in the target board
};

/// The router, or null while it restarts.
using router_lookup = std::function<router_actor()>;

/// What every scraper shares: the HTTP client, the router, the board.
struct scraper_env {
  http::client* client = nullptr;
  router_lookup router;
  scrape::target_board* board = nullptr;
  metrics::registry* registry = nullptr;
};

using scraper_actor = caf::typed_actor<
    // Timer: scrape now.
    caf::reacts_to<scrape_atom>,
    // The HTTP client's answer, from the loop thread.
    caf::reacts_to<fetched_atom, http::fetch_result>,
    // The target went away: mark its series stale and leave.
    caf::reacts_to<retire_atom>,
    // Fault injection (actors/instrument.hpp).
    caf::reacts_to<fault_atom, std::string>>;

[[nodiscard]] scraper_actor spawn_scraper(caf::event_based_actor* parent, scraper_config cfg,
                                          scraper_env env);

/// The offset of a target's scrapes within its interval.
[[nodiscard]] duration scrape_offset(const scrape::target& t);

}  // namespace vigil::actors
