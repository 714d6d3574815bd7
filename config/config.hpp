#pragma once

// vigil's configuration as plain structs. config/loader.hpp fills them from
// YAML; nothing outside config/ sees yaml-cpp. Defaults here are the
// documented defaults (docs/configuration.md).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scrape/job.hpp"
#include "storage/base/duration.hpp"
#include "storage/index/matcher.hpp"

namespace vigil::config {

using namespace std::chrono_literals;

/// One node of the cluster and the addresses it listens on.
struct node_config {
  std::string name;                ///< required, unique within the cluster
  std::string host = "127.0.0.1";  ///< address to bind and to be reached at
  uint16_t http_port = 9470;       ///< Prometheus API, web UI, /metrics
  uint16_t ingest_port = 9471;     ///< msgpack push protocol (TCP)
  uint16_t actor_port = 9472;      ///< CAF middleman: peers and vigilctl
  std::string data_dir = "./data";
};

struct cluster_config {
  std::string name = "vigil";
  uint32_t shards = 4;              ///< fixed number of series shards, >= 1
  uint32_t replication_factor = 1;  ///< 1 <= rf <= nodes.size()
  std::string secret;               ///< shared by all nodes; required with >1 node
  std::vector<node_config> nodes;   ///< at least one
};

struct global_config {
  duration scrape_interval = 15s;
  duration scrape_timeout = 10s;  ///< <= scrape_interval
  duration evaluation_interval = 15s;
  std::map<std::string, std::string> external_labels;
};

enum class fsync_policy { always, batch, never };

struct wal_config {
  fsync_policy fsync = fsync_policy::batch;
  duration fsync_batch = 10ms;  ///< bound on a batch's wait for fsync
};

/// How long each tier keeps data.
/// Series matching `matchers` keep their tiers this long instead of the
/// defaults; unset durations are the defaults'. The first matching rule wins.
struct retention_rule_config {
  std::string selector;  ///< as written, e.g. {__name__=~"debug_.*"}
  std::vector<index::matcher> matchers;
  duration raw{0};
  duration rollup_1m{0};
  duration rollup_1h{0};
};

struct retention_config {
  duration raw = 7 * 24h;
  duration rollup_1m = 30 * 24h;
  duration rollup_1h = 365 * 24h;
  std::vector<retention_rule_config> rules;
};

struct storage_config {
  retention_config retention;
  wal_config wal;
};

enum class role { read, write, admin };

/// An API token. `admin` implies `write` and `read`; `write` does not imply
/// `read` (push-only agents).
struct token_config {
  std::string name;         ///< for logs; required
  std::string token;        ///< the secret, inline or read from token_file
  std::vector<role> roles;  ///< at least one
};

/// With no tokens, authentication is off (the loopback-only default).
struct auth_config {
  std::vector<token_config> tokens;
};

/// Limits of the HTTP server.
struct http_config {
  duration read_timeout = 30s;   ///< a request must arrive within this
  duration idle_timeout = 5min;  ///< a keep-alive connection may idle this long
  uint64_t max_header_bytes = 64 * 1024;
  uint64_t max_body_bytes = 32 * 1024 * 1024;
  uint32_t max_connections = 4096;
};

/// Bounds of PromQL queries (the API's and, later, rules').
struct query_config {
  duration timeout = 2min;            ///< a request's `timeout` may only shorten it
  uint64_t max_samples = 50'000'000;  ///< samples one query may read; 0: none
  uint64_t max_series = 0;            ///< series one query may read; 0: none
  duration lookback_delta = 5min;
  /// Prometheus's PromQL feature flags (--enable-feature), off by default
  /// as there: promql-experimental-functions, promql-duration-expr.
  bool experimental_functions = false;
  bool duration_expressions = false;
  /// The range-query result cache (rules/promql/range_cache.hpp).
  uint64_t cache_max_bytes = uint64_t{128} << 20;  ///< 0: off
  duration cache_freshness = 5min;                 ///< steps this recent are never cached
};

struct config {
  std::string source;  ///< the file it came from, or "<embedded>"
  std::string yaml;    ///< the text it was read from
  cluster_config cluster;
  global_config global;
  storage_config storage;
  auth_config auth;
  http_config http;
  query_config query;
  /// Prometheus's scrape_configs; intervals already defaulted from `global`.
  std::vector<scrape::job> scrape_configs;
};

}  // namespace vigil::config
