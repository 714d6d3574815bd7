#include "runtime/scrape_api.hpp"

#include <ctime>
#include <nlohmann/json.hpp>

#include "runtime/api_params.hpp"
#include "runtime/http_api.hpp"

namespace vigil::runtime {
namespace {

using json = nlohmann::json;

json label_map(const labels& ls) {
  json out = json::object();
  for (const auto& l : ls) out[l.name] = l.value;
  return out;
}

// RFC 3339 with milliseconds in UTC; Go's zero time before the first scrape.
std::string rfc3339(timestamp ms) {
  if (ms == 0) return "0001-01-01T00:00:00Z";
  const std::time_t secs = ms / 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", int(ms % 1000));
  return buf;
}

json active_target(const scrape::target_status& s) {
  const auto& t = s.target;
  return {{"discoveredLabels", label_map(t.discovered_labels)},
          {"labels", label_map(t.target_labels)},
          {"scrapePool", s.job},
          {"scrapeUrl", t.url},
          {"globalUrl", t.url},
          {"lastError", s.last_error},
          {"lastScrape", rfc3339(s.last_scrape)},
          {"lastScrapeDuration", std::chrono::duration<double>(s.last_duration).count()},
          {"health", std::string{to_string(s.state)}},
          {"scrapeInterval", format_duration(t.interval)},
          {"scrapeTimeout", format_duration(t.timeout)}};
}

// GET /api/v1/targets?state=active|dropped|any&scrapePool=JOB
http::response targets(const scrape::target_board& board, const http::request& req) {
  std::string state = "any", pool;
  for (auto& [k, v] : api_params(req)) {
    if (k == "state") state = v;
    if (k == "scrapePool") pool = v;
  }
  if (state != "any" && state != "active" && state != "dropped")
    return invalid_param("state", "expected active, dropped or any");
  json active = json::array(), dropped = json::array();
  if (state != "dropped")
    for (const auto& s : board.active())
      if (pool.empty() || s.job == pool) active.push_back(active_target(s));
  if (state != "active")
    for (const auto& [job, t] : board.dropped())
      if (pool.empty() || job == pool)
        dropped.push_back({{"discoveredLabels", label_map(t.discovered_labels)}});
  json data{{"activeTargets", std::move(active)}, {"droppedTargets", std::move(dropped)}};
  return http::response::json(200, json{{"status", "success"}, {"data", std::move(data)}}.dump());
}

}  // namespace

void add_scrape_routes(http::router& router, const authenticator& auth,
                       const scrape::target_board& board, reloader reload) {
  router.add(
      "GET", "/api/v1/targets", "/api/v1/targets",
      require_role(auth, config::role::read, [&board](http::request&& req, http::responder res) {
        res.send(targets(board, req));
      }));
  auto on_reload =
      require_role(auth, config::role::admin, [reload](http::request&&, http::responder res) {
        if (auto err = reload())
          res.send(http::response::text(500, "failed to reload config: " + err->message + "\n"));
        else
          res.send(http::response::text(200, ""));
      });
  router.add("POST", "/-/reload", "/-/reload", on_reload);
  router.add("PUT", "/-/reload", "/-/reload", on_reload);
}

}  // namespace vigil::runtime
