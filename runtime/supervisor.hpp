#pragma once

// The supervisor actor: starts children in order, links to them, and applies
// a restart_policy when one fails; stops them in reverse order on shutdown.
//
// Semantics (close to Erlang/OTP):
// - A child that exits with reason `normal` is done and not restarted; any
//   other exit reason is a failure.
// - one_for_one restarts the failed child after its backoff; one_for_all
//   stops the others, waits until they are down, and restarts all in order.
//   Intensity is tracked per child (one_for_one) or per group (one_for_all).
// - Past the intensity the supervisor escalates: it logs the child, stops
//   the remaining children in reverse order and fails with an error naming
//   the child, so its own parent's policy decides next.
// - An exit message from anything other than a child (the parent dying, or
//   a shutdown request) stops the children in reverse order, each given
//   `stop_timeout` before it is killed, then exits with the same reason.
// - A child that is itself a supervisor counts as started when it reports
//   so; once all children are started the supervisor calls `on_started`.
// - `(children_atom, std::vector<child_spec>)` replaces the children (the
//   scrape targets, say): children it no longer names are retired (their
//   `retire` asks them to leave; by default an exit message) and forgotten
//   once down; a child named again with another fingerprint is stopped and
//   started anew from its new spec; unchanged children keep running.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/event_based_actor.hpp>
#include <functional>
#include <string>
#include <vector>

#include "runtime/actor_directory.hpp"
#include "runtime/supervision/restart_policy.hpp"
#include "storage/base/metrics.hpp"

namespace vigil::runtime {

/// What supervisors share: where they record metrics and the actors they run.
struct supervision_env {
  metrics::registry* registry = nullptr;
  actor_directory* directory = nullptr;
  duration stop_timeout = std::chrono::seconds{3};
};

/// How to start one child.
struct child_spec {
  std::string name;  ///< unique among siblings; the child's path is parent/name
  std::string kind;  ///< metric label, e.g. "supervisor", "shard"
  /// Spawns the child; the supervisor links to it. `on_started` is for
  /// children that report readiness (reports_started); others ignore it.
  std::function<caf::actor(caf::event_based_actor* parent, const std::string& path,
                           std::function<void()> on_started)>
      start;
  bool reports_started = false;
  /// What the child runs, for children updates: a child named again with
  /// the same fingerprint keeps running.
  std::string fingerprint;
  /// Asks a child that is no longer wanted to leave; it must exit soon
  /// after. Empty: an exit message (user_shutdown).
  std::function<void(caf::event_based_actor* parent, const caf::actor& child)> retire;
};

struct supervisor_spec {
  supervision::restart_policy policy;
  std::vector<child_spec> children;
};

/// A child_spec that runs a nested supervisor.
[[nodiscard]] child_spec supervisor_child(std::string name, supervisor_spec spec,
                                          supervision_env env);

/// Spawns a top-level supervisor at `path`. `on_started` runs on an actor
/// thread once the whole tree below it is started.
[[nodiscard]] caf::actor spawn_supervisor(caf::actor_system& sys, std::string path,
                                          supervisor_spec spec, supervision_env env,
                                          std::function<void()> on_started);

}  // namespace vigil::runtime

// Children updates stay within one node.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<vigil::runtime::child_spec>)
