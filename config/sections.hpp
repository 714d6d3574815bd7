#pragma once

// Internal to config/: one reader per top-level section. Each fills its
// struct from a `mapping` (defaults stay where a key is absent), reports
// problems through the mapping's collector and checks the constraints
// between its own fields. The root reader in loader.cpp calls them; adding a
// section means adding a reader here and one line there.

#include <filesystem>
#include <vector>

#include "config/yaml_reader.hpp"
#include "scrape/job.hpp"

namespace vigil::config::detail {

/// Reports unless lower <= upper, at `lower_key` if the mapping sets it,
/// else at `upper_key`; skipped when either was rejected.
void check_order(mapping& m, std::string_view lower_key, duration lower, std::string_view upper_key,
                 duration upper);

/// `cluster`: name, shards, replication_factor, secret, nodes.
void read_cluster(mapping& m, cluster_config& out);

/// `global`: scrape and evaluation intervals, external labels.
void read_global(mapping& m, global_config& out);

/// `storage`: retention (with per-metric rules) and wal.
void read_storage(mapping& m, storage_config& out);

/// `auth`: tokens. Relative `token_file` paths are resolved against
/// `base_dir`.
void read_auth(mapping& m, auth_config& out, const std::filesystem::path& base_dir);

/// `http`: server timeouts and limits.
void read_http(mapping& m, http_config& out);

/// `query`: PromQL timeout, sample and series limits, lookback delta.
void read_query(mapping& m, query_config& out);

/// `scrape_configs` of the root mapping: the jobs, with intervals defaulting
/// to `global`'s. Relative file paths (file_sd files, password_file,
/// credentials_file, bearer_token_file) are resolved against `base_dir`.
void read_scrape_configs(mapping& root, const global_config& global, std::vector<scrape::job>& out,
                         const std::filesystem::path& base_dir);

/// A relabel_configs or metric_relabel_configs list at `v`.
void read_relabel_rules(const value& v, collector& out, std::vector<scrape::relabel_rule>& rules);

/// One target group, `{targets: [...], labels: {...}}`, of static_configs or
/// of a file_sd YAML file. Fills targets and labels, not the source.
void read_target_group(mapping& m, scrape::target_group& out);

/// The node used when the file has no `cluster` section.
[[nodiscard]] node_config default_node();

}  // namespace vigil::config::detail
