#include "runtime/node_tree.hpp"

#include <caf/actor_cast.hpp>

#include "actors/router.hpp"
#include "actors/shard.hpp"

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

wal::sync_mode sync_mode(config::fsync_policy p) {
  switch (p) {
    case config::fsync_policy::always:
      return wal::sync_mode::always;
    case config::fsync_policy::batch:
      return wal::sync_mode::batch;
    case config::fsync_policy::never:
      return wal::sync_mode::never;
  }
  return wal::sync_mode::batch;
}

child_spec shard_child(uint32_t index, const config::config& cfg, const std::string& data_dir,
                       const supervision_env& env, std::function<void(timestamp)> on_accepted) {
  actors::shard_config shard;
  shard.index = index;
  shard.on_accepted = std::move(on_accepted);
  shard.storage.dir = data_dir + "/shard-" + std::to_string(index);
  shard.storage.wal.sync = sync_mode(cfg.storage.wal.fsync);
  shard.storage.wal.batch_interval = cfg.storage.wal.fsync_batch;
  const auto& retention = cfg.storage.retention;
  shard.storage.retention = {retention.raw, retention.rollup_1m, retention.rollup_1h};
  for (const auto& rule : retention.rules)
    shard.storage.retention_rules.push_back(
        {rule.matchers, {rule.raw, rule.rollup_1m, rule.rollup_1h}});
  child_spec c;
  c.name = "shard-" + std::to_string(index);
  c.kind = "shard";
  c.reports_started = true;  // once its storage is open: /-/ready waits for it
  c.start = [shard, registry = env.registry](caf::event_based_actor* parent, const std::string&,
                                             std::function<void()> on_started) {
    return caf::actor_cast<caf::actor>(
        actors::spawn_shard(parent, shard, registry, std::move(on_started)));
  };
  return c;
}

// The router finds each shard's current actor in the directory, so it
// follows their restarts.
child_spec router_child(const config::config& cfg, const supervision_env& env) {
  child_spec c;
  c.name = "router";
  c.kind = "router";
  c.start = [shards = cfg.cluster.shards, env](caf::event_based_actor* parent, const std::string&,
                                               std::function<void()>) {
    auto lookup = [directory = env.directory](uint32_t index) {
      auto found = directory->find("node/storage/shard-" + std::to_string(index));
      return found ? caf::actor_cast<actors::shard_actor>(*found) : actors::shard_actor{};
    };
    return caf::actor_cast<caf::actor>(
        actors::spawn_router(parent, {.shards = shards}, std::move(lookup), env.registry));
  };
  return c;
}

}  // namespace

supervisor_spec node_tree(const supervision_env& env, const config::config& cfg,
                          const std::string& data_dir, const scrape_jobs& jobs,
                          actors::scraper_env scrapers,
                          std::function<void(timestamp)> on_accepted) {
  supervisor_spec storage{.policy = default_policy(), .children = {}};
  for (uint32_t i = 0; i < cfg.cluster.shards; ++i)
    storage.children.push_back(shard_child(i, cfg, data_dir, env, on_accepted));
  supervisor_spec node{.policy = default_policy(), .children = {}};
  node.children.push_back(supervisor_child("storage", std::move(storage), env));
  supervisor_spec ingest{.policy = default_policy(), .children = {router_child(cfg, env)}};
  node.children.push_back(supervisor_child("ingest", std::move(ingest), env));
  node.children.push_back(
      supervisor_child("scrape", scrape_tree(env, jobs, std::move(scrapers)), env));
  for (const char* name : {"rules", "notify"})
    node.children.push_back(
        supervisor_child(name, {.policy = default_policy(), .children = {}}, env));
  return node;
}

}  // namespace vigil::runtime
