#include "runtime/http_api.hpp"

#include <caf/send.hpp>
#include <nlohmann/json.hpp>

#include "actors/atoms.hpp"
#include "config/loader.hpp"
#include "runtime/version.hpp"
#include "storage/base/log.hpp"

namespace vigil::runtime {
namespace {

http::response success(nlohmann::json data) {
  return http::response::json(
      200, nlohmann::json{{"status", "success"}, {"data", std::move(data)}}.dump());
}

// POST /api/v1/admin/fault?actor=PATH&mode=throw|exit|kill: makes a
// supervised actor fail, to exercise supervision in tests and drills.
http::response inject_fault(const actor_directory& directory, const http::request& req) {
  std::string path, mode = "exit";
  for (auto& [k, v] : req.query_params()) {
    if (k == "actor")
      path = v;
    else if (k == "mode")
      mode = v;
  }
  if (path.empty()) return http::response::error(400, "bad_data", "missing parameter \"actor\"");
  if (mode != "throw" && mode != "exit" && mode != "kill")
    return http::response::error(400, "bad_data",
                                 "invalid mode \"" + mode + "\" (expected throw, exit or kill)");
  auto target = directory.find(path);
  if (!target) return http::response::error(404, "not_found", "no running actor \"" + path + "\"");
  log::warn("admin", "injecting fault", {{"actor", path}, {"mode", mode}});
  if (mode == "kill")
    caf::anon_send_exit(*target, caf::exit_reason::kill);
  else
    caf::anon_send(*target, actors::fault_atom::value, mode);
  return success({{"actor", path}, {"mode", mode}});
}

}  // namespace

http::handler require_role(const authenticator& auth, config::role needed, http::handler h) {
  return [&auth, needed, h = std::move(h)](http::request&& req, http::responder res) {
    std::optional<std::string_view> token;
    if (auto header = req.header("Authorization")) token = bearer_token(*header);
    switch (auth.check(token, needed)) {
      case verdict::allowed:
        return h(std::move(req), std::move(res));
      case verdict::unauthenticated:
        return res.send(http::response::error(401, "unauthorized",
                                              token ? "unknown token" : "missing bearer token"));
      case verdict::forbidden:
        return res.send(http::response::error(
            403, "forbidden",
            "token lacks the " + std::string{config::to_string(needed)} + " role"));
    }
  };
}

void add_node_routes(http::router& router, const node_api& api) {
  router.add("GET", "/-/healthy", "/-/healthy", [](http::request&&, http::responder res) {
    res.send(http::response::text(200, "vigil is Healthy.\n"));
  });
  router.add("GET", "/-/ready", "/-/ready",
             [ready = api.ready](http::request&&, http::responder res) {
               if (ready->load())
                 res.send(http::response::text(200, "vigil is Ready.\n"));
               else
                 res.send(http::response::error(503, "unavailable", "vigil is starting"));
             });
  router.add(
      "GET", "/metrics", "/metrics", [reg = api.registry](http::request&&, http::responder res) {
        res.send(
            http::response::text(200, reg->render(), "text/plain; version=0.0.4; charset=utf-8"));
      });
  router.add("GET", "/api/v1/status/buildinfo", "/api/v1/status/buildinfo",
             require_role(*api.auth, config::role::read, [](http::request&&, http::responder res) {
               // Prometheus's fields; Grafana reads `version` to pick features.
               nlohmann::json data{{"version", vigil::version},
                                   {"revision", vigil::revision},
                                   {"branch", ""},
                                   {"buildUser", ""},
                                   {"buildDate", ""},
                                   {"goVersion", ""}};
               res.send(http::response::json(
                   200, nlohmann::json{{"status", "success"}, {"data", data}}.dump()));
             }));
  router.add("POST", "/api/v1/admin/fault", "/api/v1/admin/fault",
             require_role(*api.auth, config::role::admin,
                          [dir = api.directory](http::request&& req, http::responder res) {
                            res.send(inject_fault(*dir, req));
                          }));
}

http::observer http_metrics(metrics::registry& registry) {
  auto& requests =
      registry.counters("vigil_http_requests_total",
                        "HTTP requests answered, by handler and status code.", {"handler", "code"});
  auto& latency = registry.histograms("vigil_http_request_duration_seconds",
                                      "HTTP request latency in seconds, by handler.", {"handler"});
  return [&requests, &latency](std::string_view handler, int status, double seconds) {
    std::string name{handler};
    requests.with({name, std::to_string(status)}).inc();
    latency.with({name}).observe(seconds);
  };
}

}  // namespace vigil::runtime
