#include "runtime/query_api.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "rules/promql/parser.hpp"
#include "rules/promql/printer.hpp"
#include "runtime/api_params.hpp"
#include "runtime/http_api.hpp"
#include "runtime/promql_json.hpp"
#include "runtime/shard_scatter.hpp"

namespace vigil::runtime {

using nlohmann::json;

query_runner::query_runner(size_t threads, size_t max_queued) : max_queued_(max_queued) {
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

query_runner::~query_runner() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

bool query_runner::submit(std::function<void()> job) {
  {
    std::lock_guard lock{mutex_};
    if (stopping_ || jobs_.size() >= max_queued_) return false;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void query_runner::work() {
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock lock{mutex_};
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, nothing left
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

namespace {

using steady = std::chrono::steady_clock;

// What the node's queries may use, as Prometheus's --enable-feature sets it.
promql::parse_options parse_options(const config::query_config& cfg) {
  promql::parse_options o;
  o.experimental_functions = cfg.experimental_functions;
  o.duration_expressions = cfg.duration_expressions;
  return o;
}

// Reads the node's shards with blocking requests from a query thread; no
// request outlives the query's deadline.
class shard_actors_queryable final : public promql::queryable {
 public:
  shard_actors_queryable(caf::actor_system& sys, std::vector<actors::shard_actor> shards,
                         steady::time_point deadline)
      : sys_(sys), shards_(std::move(shards)), deadline_(deadline) {}

  expected<std::vector<promql::stored_series>> select(std::span<const index::matcher> matchers,
                                                      timestamp min_t, timestamp max_t,
                                                      duration resolution) override {
    std::vector<promql::stored_series> out;
    std::optional<error> failure;
    caf::scoped_actor self{sys_};
    const actors::select_request req{{matchers.begin(), matchers.end()}, min_t, max_t, resolution};
    for (const auto& shard : shards_) {
      const auto left = deadline_ - steady::now();
      if (left <= steady::duration::zero())
        return error{errc::timeout, "query timed out in expression evaluation"};
      self->request(shard, std::chrono::duration_cast<caf::timespan>(left),
                    actors::select_atom::value, req)
          .receive(
              [&](std::vector<series_data>& got) {
                for (auto& s : got)
                  out.push_back({std::move(s.ls), std::move(s.samples), std::move(s.minutes),
                                 std::move(s.hours)});
              },
              [&](caf::error& err) {
                failure = error{errc::unavailable, sys_.render(err)};
              });
      if (failure) return *failure;
    }
    return out;
  }

 private:
  caf::actor_system& sys_;
  std::vector<actors::shard_actor> shards_;
  steady::time_point deadline_;
};

// Prometheus's status and errorType for a failed query.
http::response query_error(const error& e) {
  switch (e.code) {
    case errc::timeout:
      return http::response::error(503, "timeout", e.message);
    case errc::unavailable:
      return http::response::error(503, "unavailable", e.message);
    default:
      return http::response::error(422, "execution", e.message);
  }
}

json point(timestamp t, double v) {
  return json::array({static_cast<double>(t) / 1000.0, format_api_float(v)});
}

json metric(const labels& ls) {
  json out = json::object();
  for (const auto& l : ls) out[l.name] = l.value;
  return out;
}

json matrix_json(const promql::matrix_value& m) {
  json result = json::array();
  for (const auto& s : m) {
    json values = json::array();
    for (const auto& p : s.points) values.push_back(point(p.t, p.v));
    result.push_back({{"metric", metric(s.metric)}, {"values", std::move(values)}});
  }
  return {{"resultType", "matrix"}, {"result", std::move(result)}};
}

json value_json(const promql::value& v, timestamp t) {
  if (auto* s = std::get_if<promql::scalar_value>(&v))
    return {{"resultType", "scalar"}, {"result", point(t, s->v)}};
  if (auto* s = std::get_if<promql::string_value>(&v))
    return {{"resultType", "string"},
            {"result", json::array({static_cast<double>(t) / 1000.0, s->v})}};
  if (auto* m = std::get_if<promql::matrix_value>(&v)) return matrix_json(*m);
  json result = json::array();
  for (const auto& e : std::get<promql::vector_value>(v))
    result.push_back({{"metric", metric(e.metric)}, {"value", point(e.t, e.v)}});
  return {{"resultType", "vector"}, {"result", std::move(result)}};
}

// Prometheus's success envelope for a query: "warnings" and "infos" when
// there are any, at most ten of each and then a line saying how many more.
http::response query_success(json data, const promql::annotations& notes) {
  json body{{"status", "success"}, {"data", std::move(data)}};
  auto add = [&body](const char* key, const std::set<std::string>& texts, const char* kind) {
    if (texts.empty()) return;
    constexpr size_t shown = 10;
    json list = json::array();
    for (const auto& t : texts)
      if (list.size() < shown) list.push_back(t);
    if (texts.size() > shown)
      list.push_back(std::to_string(texts.size() - shown) + " more " + kind +
                     " annotations omitted");
    body[key] = std::move(list);
  };
  add("warnings", notes.warnings, "warning");
  add("infos", notes.infos, "info");
  return http::response::json(200, body.dump());
}

struct query_params {
  std::string query;
  std::optional<timestamp> time, start, end;
  std::optional<duration> step, timeout;
  bool nocache = false;  // VictoriaMetrics's nocache=1: evaluate every step
};

// Reads the parameters; sends a 400 naming the bad one and returns nullopt.
std::optional<query_params> read_params(const http::request& req, http::responder& res) {
  query_params out;
  for (auto& [name, value] : api_params(req)) {
    if (name == "query") {
      out.query = value;
    } else if (name == "time" || name == "start" || name == "end") {
      auto t = parse_api_time(value);
      if (!t) {
        res.send(invalid_param(name, t.error_value().message));
        return std::nullopt;
      }
      (name == "time" ? out.time : name == "start" ? out.start : out.end) = *t;
    } else if (name == "step" || name == "timeout") {
      auto d = parse_api_duration(value);
      if (!d) {
        res.send(invalid_param(name, d.error_value().message));
        return std::nullopt;
      }
      (name == "step" ? out.step : out.timeout) = *d;
    } else if (name == "nocache") {
      if (value != "0" && value != "1" && value != "false" && value != "true") {
        res.send(invalid_param(name, "expected 0, 1, false or true, got \"" + value + "\""));
        return std::nullopt;
      }
      out.nocache = value == "1" || value == "true";
    }
  }
  return out;
}

void handle_query(caf::actor_system& sys, const actor_directory& directory, query_runner& runner,
                  const promql::engine& engine, promql::range_cache& cache,
                  const config::query_config& limits, bool range, http::request&& req,
                  http::responder res) {
  auto params = read_params(req, res);
  if (!params) return;
  if (range && (!params->start || !params->end || !params->step))
    return res.send(invalid_param(!params->start ? "start"
                                  : !params->end ? "end"
                                                 : "step",
                                  "missing"));
  if (range && *params->end < *params->start)
    return res.send(
        http::response::error(400, "bad_data", "end timestamp must not be before start time"));
  auto parsed = promql::parse_expr(params->query, parse_options(limits));
  if (!parsed.ok()) return res.send(invalid_param("query", parsed.errors.front().to_string()));
  auto set = shards(directory);
  if (!set.down.empty())
    return res.send(
        http::response::error(503, "unavailable", "shards restarting: " + joined(set.down)));
  // The time a query may take counts from its arrival, queueing included;
  // a request's `timeout` may shorten the configured one.
  const auto deadline =
      steady::now() + std::min(params->timeout.value_or(limits.timeout), limits.timeout);
  auto shared = std::make_shared<http::responder>(std::move(res));
  auto job = [&sys, &engine, &cache, &limits, range, shared, deadline, p = std::move(*params),
              expr = std::shared_ptr<promql::expr>(std::move(*parsed.value)),
              live = std::move(set.live)]() mutable {
    shard_actors_queryable q{sys, std::move(live), deadline};
    const promql::query_limits bounds{.max_samples = limits.max_samples,
                                      .max_series = limits.max_series,
                                      .expired = [deadline] { return steady::now() > deadline; }};
    const auto now = wall_clock_now();
    promql::annotations notes;
    if (range) {
      auto m = p.nocache ? engine.eval_range(q, *expr, *p.start, *p.end, *p.step, bounds, &notes)
                         : cache.eval_range(engine, q, *expr, *p.start, *p.end, *p.step, now,
                                            bounds, &notes);
      if (!m) return shared->send(query_error(m.error_value()));
      return shared->send(query_success(matrix_json(*m), notes));
    }
    const timestamp t = p.time.value_or(now);
    auto v = engine.eval_instant(q, *expr, t, bounds, &notes);
    if (!v) return shared->send(query_error(v.error_value()));
    shared->send(query_success(value_json(*v, t), notes));
  };
  if (!runner.submit(std::move(job)))
    shared->send(http::response::error(503, "unavailable", "too many queries queued; retry"));
}

// /api/v1/format_query and /api/v1/parse_query: `show` of the parsed query.
template <class Show>
http::handler on_parsed_query(const config::query_config& cfg, Show show) {
  return [show, options = parse_options(cfg)](http::request&& req, http::responder res) {
    std::optional<std::string> query;
    for (auto& [name, value] : api_params(req))
      if (name == "query") query = value;
    if (!query) return res.send(invalid_param("query", "missing"));
    auto parsed = promql::parse_expr(*query, options);
    if (!parsed.ok()) return res.send(invalid_param("query", parsed.errors.front().to_string()));
    res.send(success(show(**parsed.value)));
  };
}

}  // namespace

void add_query_routes(http::router& router, caf::actor_system& sys,
                      const actor_directory& directory, const authenticator& auth,
                      query_runner& runner, const promql::engine& engine,
                      promql::range_cache& cache, const config::query_config& limits) {
  for (const char* method : {"GET", "POST"}) {
    router.add(
        method, "/api/v1/format_query", "/api/v1/format_query",
        require_role(auth, config::role::read, on_parsed_query(limits, [](const promql::expr& e) {
                       return nlohmann::json(promql::to_string(e));
                     })));
    router.add(
        method, "/api/v1/parse_query", "/api/v1/parse_query",
        require_role(auth, config::role::read,
                     on_parsed_query(limits, [](const promql::expr& e) { return to_json(e); })));
    for (bool range : {false, true}) {
      const char* path = range ? "/api/v1/query_range" : "/api/v1/query";
      router.add(method, path, path,
                 require_role(auth, config::role::read,
                              [&sys, &directory, &runner, &engine, &cache, &limits, range](
                                  http::request&& req, http::responder res) {
                                handle_query(sys, directory, runner, engine, cache, limits, range,
                                             std::move(req), std::move(res));
                              }));
    }
  }
}

}  // namespace vigil::runtime
