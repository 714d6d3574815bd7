#include "runtime/scrape_api.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>

#include "rules/promql/parser.hpp"
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

json active_target(const scrape::target_status& s) {
  const auto& t = s.target;
  return {{"discoveredLabels", label_map(t.discovered_labels)},
          {"labels", label_map(t.target_labels)},
          {"scrapePool", s.job},
          {"scrapeUrl", t.url},
          {"globalUrl", t.url},
          {"lastError", s.last_error},
          {"lastScrape", s.last_scrape ? format_api_time(s.last_scrape) : "0001-01-01T00:00:00Z"},
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

json metadata_entry(const scrape::metric_metadata& m) {
  return {{"type", m.type}, {"help", m.help}, {"unit", m.unit}};
}

// A non-negative integer parameter; nullopt when absent or invalid.
struct count_param {
  std::optional<size_t> value;
  std::optional<http::response> error;
};
count_param parse_count(std::string_view name, const std::string& text) {
  size_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
    return {std::nullopt,
            invalid_param(name, "expected a non-negative integer, got \"" + text + "\"")};
  return {n, std::nullopt};
}

// GET /api/v1/metadata?metric=NAME&limit=N&limit_per_metric=N: every
// target's metadata, identical entries once.
http::response metadata(const scrape::target_board& board, const http::request& req) {
  std::string metric;
  size_t limit = SIZE_MAX, per_metric = SIZE_MAX;
  for (auto& [k, v] : api_params(req)) {
    if (k == "metric") metric = v;
    if (k != "limit" && k != "limit_per_metric") continue;
    auto n = parse_count(k, v);
    if (n.error) return *n.error;
    (k == "limit" ? limit : per_metric) = *n.value;
  }
  std::map<std::string, std::vector<scrape::metric_metadata>> by_metric;
  for (const auto& t : board.active()) {
    if (!t.metadata) continue;
    for (const auto& [name, m] : *t.metadata) {
      if (!metric.empty() && name != metric) continue;
      auto& list = by_metric[name];
      if (std::find(list.begin(), list.end(), m) == list.end()) list.push_back(m);
    }
  }
  json data = json::object();
  for (auto& [name, list] : by_metric) {
    if (data.size() >= limit) break;
    json entries = json::array();
    for (size_t i = 0; i < list.size() && i < per_metric; ++i)
      entries.push_back(metadata_entry(list[i]));
    data[name] = std::move(entries);
  }
  return http::response::json(200, json{{"status", "success"}, {"data", std::move(data)}}.dump());
}

// GET /api/v1/targets/metadata?match_target={SELECTOR}&metric=NAME&limit=N
http::response target_metadata(const scrape::target_board& board, const http::request& req) {
  std::string metric;
  std::vector<index::matcher> match;
  size_t limit = SIZE_MAX;
  for (auto& [k, v] : api_params(req)) {
    if (k == "metric") metric = v;
    if (k == "limit") {
      auto n = parse_count(k, v);
      if (n.error) return *n.error;
      limit = *n.value;
    }
    if (k == "match_target" && !v.empty()) {
      auto parsed = promql::parse_selector(v);
      if (!parsed.ok()) return invalid_param(k, parsed.errors.front().to_string());
      match = std::move(*parsed.value);
    }
  }
  json data = json::array();
  for (const auto& t : board.active()) {
    const auto& ls = t.target.target_labels;
    if (!t.metadata || !std::all_of(match.begin(), match.end(), [&](const index::matcher& m) {
          return m.matches(ls.get(m.name()));
        }))
      continue;
    for (const auto& [name, m] : *t.metadata) {
      if (!metric.empty() && name != metric) continue;
      if (data.size() >= limit) break;
      auto entry = metadata_entry(m);
      entry["target"] = label_map(ls);
      if (metric.empty()) entry["metric"] = name;
      data.push_back(std::move(entry));
    }
  }
  return http::response::json(200, json{{"status", "success"}, {"data", std::move(data)}}.dump());
}

}  // namespace

void add_scrape_routes(http::router& router, const authenticator& auth,
                       const scrape::target_board& board, reloader reload) {
  using page = http::response (*)(const scrape::target_board&, const http::request&);
  for (auto [path, answer] : {std::pair<const char*, page>{"/api/v1/targets", targets},
                              {"/api/v1/metadata", metadata},
                              {"/api/v1/targets/metadata", target_metadata}})
    router.add("GET", path, path,
               require_role(auth, config::role::read,
                            [&board, answer](http::request&& req, http::responder res) {
                              res.send(answer(board, req));
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
