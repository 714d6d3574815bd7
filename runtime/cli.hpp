#pragma once

// vigild's command line: parsed into plain data so it can be tested without
// starting anything.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "storage/base/expected.hpp"
#include "storage/base/log.hpp"

namespace vigil::runtime {

/// A listen address from ADDR:PORT; IPv6 literals in brackets ("[::1]:9470").
struct listen_address {
  std::string host;
  uint16_t port = 0;
};

[[nodiscard]] expected<listen_address> parse_listen_address(std::string_view text);

struct vigild_options {
  std::optional<std::string> config_file;  ///< none: the embedded default
  std::string node;                        ///< empty: the config's only node
  std::optional<std::string> data_dir;
  std::optional<listen_address> http, ingest, actor;
  bool check_config = false;
  log::level log_level = log::level::info;
  bool version = false;
  bool help = false;
};

/// Parses vigild's arguments (without argv[0]). Errors name the flag.
[[nodiscard]] expected<vigild_options> parse_vigild_args(const std::vector<std::string>& args);

/// The --help text.
[[nodiscard]] std::string vigild_usage();

/// Where this node listens and keeps its data: the node's config with
/// --http, --ingest, --actor and --data applied.
struct node_endpoints {
  listen_address http, ingest, actor;
  std::string data_dir;
};

[[nodiscard]] node_endpoints resolve_endpoints(const vigild_options& opts,
                                               const config::node_config& node);

/// Every flag with the value in force, by name (/api/v1/status/flags).
[[nodiscard]] std::map<std::string, std::string> flag_values(const vigild_options& opts,
                                                             const config::node_config& node);

}  // namespace vigil::runtime
