#include "runtime/series_api.hpp"

#include <algorithm>
#include <mutex>
#include <set>

#include "rules/promql/parser.hpp"
#include "runtime/api_params.hpp"
#include "runtime/http_api.hpp"
#include "runtime/shard_scatter.hpp"

namespace vigil::runtime {

using nlohmann::json;

namespace {

// What every endpoint here reads: the selectors and the time range.
struct selection {
  std::vector<std::vector<index::matcher>> selectors;  // none: everything
  timestamp min_t = min_time;
  timestamp max_t = max_time;
};

// Parses match[], start and end; sends the 400 itself and returns nullopt
// when one is wrong.
std::optional<selection> read_selection(const http::request& req, http::responder& res) {
  selection out;
  for (const auto& [name, value] : api_params(req)) {
    if (name == "match[]") {
      auto parsed = promql::parse_selector(value);
      if (!parsed.ok()) {
        res.send(invalid_param(name, parsed.errors.front().to_string()));
        return std::nullopt;
      }
      out.selectors.push_back(std::move(*parsed.value));
    } else if (name == "start" || name == "end") {
      auto t = parse_api_time(value);
      if (!t) {
        res.send(invalid_param(name, t.error_value().message));
        return std::nullopt;
      }
      (name == "start" ? out.min_t : out.max_t) = *t;
    }
  }
  if (out.selectors.empty()) out.selectors.emplace_back();
  return out;
}

// One request per shard and selector; `finish` gets every reply, merged.
template <class Reply, class Request, class Atom>
void ask_all(caf::actor_system& sys, const actor_directory& directory, Atom atom,
             std::vector<Request> requests, http::responder res,
             std::function<json(std::vector<Reply>)> finish) {
  auto set = shards(directory);
  std::vector<std::string> warnings;
  if (!set.down.empty()) warnings.push_back("shards restarting, not included: " + joined(set.down));
  // Each shard answers every selector: one message per (shard, selector).
  auto pending = std::make_shared<size_t>(requests.size());
  auto gathered = std::make_shared<std::vector<Reply>>();
  auto shared_res = std::make_shared<http::responder>(std::move(res));
  auto failed = std::make_shared<bool>(false);
  auto mutex = std::make_shared<std::mutex>();  // the gathering actors run in parallel
  if (requests.empty()) return shared_res->send(success(finish({}), warnings));
  for (auto& request : requests) {
    ask_shards<Reply>(
        sys, set.live,
        [=](std::vector<Reply> replies, std::optional<std::string> err) {
          std::lock_guard lock{*mutex};  // the last one to finish answers
          if (*failed) return;
          if (err) {
            *failed = true;
            return shared_res->send(http::response::error(500, "internal", *err));
          }
          for (auto& r : replies) gathered->push_back(std::move(r));
          if (--*pending == 0) shared_res->send(success(finish(std::move(*gathered)), warnings));
        },
        atom, std::move(request));
  }
}

json sorted_union(std::vector<std::vector<std::string>> parts) {
  std::set<std::string> all;
  for (auto& part : parts) all.insert(part.begin(), part.end());
  return json(std::vector<std::string>(all.begin(), all.end()));
}

void labels_handler(caf::actor_system& sys, const actor_directory& directory,
                    std::optional<std::string> name, http::request&& req, http::responder res) {
  auto sel = read_selection(req, res);
  if (!sel) return;
  std::vector<actors::label_request> requests;
  for (auto& matchers : sel->selectors)
    requests.push_back({name, std::move(matchers), sel->min_t, sel->max_t});
  ask_all<std::vector<std::string>>(sys, directory, actors::labels_atom::value, std::move(requests),
                                    std::move(res), sorted_union);
}

void series_handler(caf::actor_system& sys, const actor_directory& directory, http::request&& req,
                    http::responder res) {
  bool has_match = false;
  for (const auto& [name, value] : api_params(req)) has_match |= name == "match[]";
  if (!has_match)
    return res.send(http::response::error(400, "bad_data", "no match[] parameter provided"));
  auto sel = read_selection(req, res);
  if (!sel) return;
  std::vector<actors::select_request> requests;
  for (auto& matchers : sel->selectors)
    requests.push_back({std::move(matchers), sel->min_t, sel->max_t, duration{0}});
  ask_all<actors::series_list>(sys, directory, actors::series_atom::value, std::move(requests),
                               std::move(res), [](std::vector<actors::series_list> parts) {
                                 std::set<labels> all;  // a series may match several selectors
                                 for (auto& part : parts)
                                   all.insert(part.series.begin(), part.series.end());
                                 json out = json::array();
                                 for (const auto& ls : all) {
                                   json one = json::object();
                                   for (const auto& l : ls) one[l.name] = l.value;
                                   out.push_back(std::move(one));
                                 }
                                 return out;
                               });
}

}  // namespace

void add_series_routes(http::router& router, caf::actor_system& sys,
                       const actor_directory& directory, const authenticator& auth) {
  for (const char* method : {"GET", "POST"}) {
    router.add(method, "/api/v1/labels", "/api/v1/labels",
               require_role(auth, config::role::read,
                            [&sys, &directory](http::request&& req, http::responder res) {
                              labels_handler(sys, directory, std::nullopt, std::move(req),
                                             std::move(res));
                            }));
    router.add(method, "/api/v1/label/<name>/values", "/api/v1/label/:name/values",
               require_role(auth, config::role::read,
                            [&sys, &directory](http::request&& req, http::responder res) {
                              auto name = req.params.at("name");
                              labels_handler(sys, directory, std::move(name), std::move(req),
                                             std::move(res));
                            }));
    router.add(method, "/api/v1/series", "/api/v1/series",
               require_role(auth, config::role::read,
                            [&sys, &directory](http::request&& req, http::responder res) {
                              series_handler(sys, directory, std::move(req), std::move(res));
                            }));
  }
}

}  // namespace vigil::runtime
