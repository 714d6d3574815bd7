#pragma once

// Prometheus's status pages for this node: /api/v1/status/config (the
// configuration in force, secrets hidden), /api/v1/status/flags (vigild's
// command-line flags) and /api/v1/status/runtimeinfo (start time, working
// directory, whether the last reload worked). All need the read role.

#include <map>
#include <mutex>
#include <string>

#include "config/config.hpp"
#include "runtime/auth.hpp"
#include "runtime/http/router.hpp"
#include "storage/base/sample.hpp"

namespace vigil::runtime {

/// Prometheus's runtimeinfo fields that mean something here.
struct runtime_info {
  timestamp start_time = 0;
  std::string cwd;
  bool reload_config_success = true;
  timestamp last_config_time = 0;
  std::string storage_retention;
};

/// What the status pages show; reloaded() keeps it current. Thread-safe.
class node_status {
 public:
  node_status(const config::config& cfg, std::map<std::string, std::string> flags);

  /// Records a reload: the configuration now in force, or a failure
  /// (nullptr), which keeps the previous one.
  void reloaded(const config::config* fresh);

  [[nodiscard]] const std::map<std::string, std::string>& flags() const { return flags_; }
  [[nodiscard]] std::string config_yaml() const;
  [[nodiscard]] runtime_info info() const;

 private:
  const std::map<std::string, std::string> flags_;
  mutable std::mutex mutex_;
  std::string yaml_;
  runtime_info info_;
};

void add_status_routes(http::router& router, const authenticator& auth, const node_status& status);

}  // namespace vigil::runtime
