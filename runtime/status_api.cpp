#include "runtime/status_api.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "config/loader.hpp"
#include "runtime/api_params.hpp"
#include "runtime/http_api.hpp"

namespace vigil::runtime {
namespace {

using json = nlohmann::json;

std::string working_directory() {
  std::error_code ec;
  auto p = std::filesystem::current_path(ec);
  return ec ? "" : p.string();
}

http::response success(json data) {
  return http::response::json(200, json{{"status", "success"}, {"data", std::move(data)}}.dump());
}

}  // namespace

node_status::node_status(const config::config& cfg, std::map<std::string, std::string> flags)
    : flags_(std::move(flags)), yaml_(config::redacted_yaml(cfg)) {
  info_.start_time = info_.last_config_time = wall_clock_now();
  info_.cwd = working_directory();
  info_.storage_retention = format_duration(cfg.storage.retention.raw);
}

void node_status::reloaded(const config::config* fresh) {
  auto yaml = fresh ? config::redacted_yaml(*fresh) : std::string{};
  std::lock_guard lock{mutex_};
  info_.reload_config_success = fresh != nullptr;
  if (!fresh) return;
  yaml_ = std::move(yaml);
  info_.last_config_time = wall_clock_now();
}

std::string node_status::config_yaml() const {
  std::lock_guard lock{mutex_};
  return yaml_;
}

runtime_info node_status::info() const {
  std::lock_guard lock{mutex_};
  return info_;
}

void add_status_routes(http::router& router, const authenticator& auth, const node_status& status) {
  auto page = [&](const char* path, auto answer) {
    router.add("GET", path, path,
               require_role(auth, config::role::read,
                            [&status, answer](http::request&&, http::responder res) {
                              res.send(success(answer(status)));
                            }));
  };
  page("/api/v1/status/config", [](const node_status& s) {
    return json{{"yaml", s.config_yaml()}};
  });
  page("/api/v1/status/flags", [](const node_status& s) { return json(s.flags()); });
  page("/api/v1/status/runtimeinfo", [](const node_status& s) {
    auto info = s.info();
    return json{{"startTime", format_api_time(info.start_time)},
                {"CWD", info.cwd},
                {"reloadConfigSuccess", info.reload_config_success},
                {"lastConfigTime", format_api_time(info.last_config_time)},
                {"storageRetention", info.storage_retention}};
  });
}

}  // namespace vigil::runtime
