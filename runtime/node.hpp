#pragma once

// One vigil node: the actor system, the supervision tree, the libuv loop
// with the HTTP server, and the order in which they start and stop.
//
// Start: self-metrics, data directory, actor system, HTTP listener, then
// the supervision tree (/-/ready turns 200 once every supervisor reports
// started). Stop, on SIGINT/SIGTERM: stop accepting connections, stop the
// tree in reverse start order, let in-flight HTTP requests finish, stop the
// loop. If the tree fails on its own (a supervisor escalated to the top),
// the node stops the same way and exits 1.

#include "config/config.hpp"
#include "runtime/cli.hpp"

namespace vigil::runtime {

/// Runs the node until it is told to stop or fails; returns the exit code
/// (0 clean, 1 runtime failure). `flags` are shown by /api/v1/status/flags.
[[nodiscard]] int run_node(const config::config& cfg, const config::node_config& self,
                           const node_endpoints& endpoints,
                           std::map<std::string, std::string> flags);

}  // namespace vigil::runtime
