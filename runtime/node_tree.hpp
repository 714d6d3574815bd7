#pragma once

// The supervision tree of one node (../shared/DESIGN.md, "The shape"):
//
//   node                 one_for_one
//   ├── storage          shard actors
//   ├── ingest           router, msgpack TCP server, HTTP push endpoints
//   ├── scrape           one scraper per owned target, service discovery
//   ├── rules            one actor per owned rule group
//   └── notify           alert router, one notifier per receiver channel
//
// Each capability adds its children to its supervisor here. Start order is
// the order above; shutdown is the reverse, so storage stops last and can
// flush what the others handed it.

#include "config/config.hpp"
#include "runtime/scrape_discovery.hpp"
#include "runtime/supervisor.hpp"

namespace vigil::runtime {

/// The node supervisor's spec, with every sub-supervisor and its children:
/// `cfg.cluster.shards` shard actors under storage, each in
/// `data_dir`/shard-N, telling `on_accepted` of their writes
/// (actors::shard_config); under scrape, discovery of `jobs` and their
/// scrapers.
[[nodiscard]] supervisor_spec node_tree(const supervision_env& env, const config::config& cfg,
                                        const std::string& data_dir, const scrape_jobs& jobs,
                                        actors::scraper_env scrapers,
                                        std::function<void(timestamp)> on_accepted);

/// The router's path in the tree, where writers find it.
inline constexpr const char* router_path = "node/ingest/router";

}  // namespace vigil::runtime
