#include "runtime/node_tree.hpp"

namespace vigil::runtime {
namespace {

using namespace std::chrono_literals;

// A child failing more than 5 times in 30 s is not transient: let the
// parent (ultimately the process) see it rather than flap forever.
supervision::restart_policy default_policy() {
  supervision::restart_policy p;
  p.max_restarts = 5;
  p.window = 30s;
  p.initial_backoff = 100ms;
  p.max_backoff = 5s;
  return p;
}

}  // namespace

supervisor_spec node_tree(const supervision_env& env) {
  supervisor_spec node{.policy = default_policy(), .children = {}};
  for (const char* name : {"storage", "ingest", "scrape", "rules", "notify"})
    node.children.push_back(
        supervisor_child(name, {.policy = default_policy(), .children = {}}, env));
  return node;
}

}  // namespace vigil::runtime
