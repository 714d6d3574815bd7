#pragma once

// Loads vigil's YAML configuration into the plain structs of config.hpp.
//
// Every problem in a file is reported, not just the first: the loader checks
// every key, collects one `diagnostic` per problem and only then decides.
// A diagnostic prints as `FILE:LINE:COL: key.path: message` (1-based line and
// column). yaml-cpp stays inside config/*.cpp; this header is plain C++.
//
// Thread-safety: the functions are reentrant; they share no state.

#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "storage/base/expected.hpp"

namespace vigil::config {

/// One problem found in a configuration, with its position.
struct diagnostic {
  std::string file;     ///< the source name given to the loader
  int line = 0;         ///< 1-based
  int column = 0;       ///< 1-based
  std::string path;     ///< key path like `cluster.nodes[1].http_port`, or `<document>`
  std::string message;  ///< what was wrong and what was expected

  friend bool operator==(const diagnostic&, const diagnostic&) = default;
};

/// `FILE:LINE:COL: key.path: message`.
[[nodiscard]] std::string to_string(const diagnostic& d);

/// The outcome of checking a configuration: the config is meaningful only
/// when `diagnostics` is empty. Tools that want the structured problems use
/// this; everything else uses `load_file`/`load_string`.
struct load_result {
  config value;
  std::vector<diagnostic> diagnostics;  ///< ordered by position

  [[nodiscard]] bool ok() const noexcept { return diagnostics.empty(); }
};

/// Parses and validates `yaml`. `source` names it in diagnostics (a file path
/// or "<embedded>"); relative `token_file` paths are resolved against the
/// directory part of `source` (the working directory if it has none).
[[nodiscard]] load_result check_string(std::string_view yaml, const std::string& source);

/// One `errc::parse_error` whose message is every diagnostic, one per line,
/// in the format of `to_string(const diagnostic&)`.
[[nodiscard]] error to_error(const std::vector<diagnostic>& diagnostics);

/// `check_string` turned into a value or one error holding all diagnostics.
[[nodiscard]] expected<config> load_string(std::string_view yaml, const std::string& source);

/// Reads and loads the file at `path`. An unreadable file is one
/// `errc::io_error` naming the path and the operating system's reason;
/// otherwise as `load_string(text, path)`.
[[nodiscard]] expected<config> load_file(const std::string& path);

/// The YAML text of the built-in configuration (config/default.yaml,
/// embedded at build time): one node "local" on 127.0.0.1:9470/9471/9472.
[[nodiscard]] std::string_view embedded_default_yaml();

/// The built-in configuration, parsed with source "<embedded>". Aborts only
/// if the embedded text is invalid, which a test rules out.
[[nodiscard]] config embedded_default();

/// The YAML `cfg` was read from, with the value of every secret (cluster
/// secret, tokens, passwords, credentials) replaced by "<secret>", as
/// Prometheus shows its configuration. Comments are not kept.
[[nodiscard]] std::string redacted_yaml(const config& cfg);

/// The node this process runs as. An empty `name` selects the only node of a
/// single-node cluster; otherwise the node called `name`. Errors
/// (`errc::invalid_argument`, `errc::not_found`) list the node names.
[[nodiscard]] expected<const node_config*> select_node(const config& cfg, std::string_view name);

/// "always", "batch" or "never": the spelling in YAML.
[[nodiscard]] std::string_view to_string(fsync_policy p) noexcept;

/// "read", "write" or "admin": the spelling in YAML.
[[nodiscard]] std::string_view to_string(role r) noexcept;

}  // namespace vigil::config
