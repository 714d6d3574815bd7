#include "runtime/node.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <mutex>
#include <thread>

#include "config/loader.hpp"
#include "runtime/actor_directory.hpp"
#include "runtime/auth.hpp"
#include "runtime/http/client.hpp"
#include "runtime/http/event_loop.hpp"
#include "runtime/http/server.hpp"
#include "runtime/http_api.hpp"
#include "runtime/ingest_api.hpp"
#include "runtime/metrics/process.hpp"
#include "runtime/node_tree.hpp"
#include "runtime/push_ingest.hpp"
#include "runtime/query_api.hpp"
#include "runtime/scrape_api.hpp"
#include "runtime/series_api.hpp"
#include "runtime/status_api.hpp"
#include "runtime/storage_api.hpp"
#include "runtime/version.hpp"
#include "storage/base/log.hpp"

namespace vigil::runtime {
namespace {

using namespace std::chrono_literals;

// What ends the node's run: a signal, or the supervision tree going down.
class stop_event {
 public:
  /// A second signal while stopping means the operator wants out now.
  void signal(int signum) {
    {
      std::lock_guard lock{mutex_};
      if (signalled_) {
        log::warn("node", "second signal, exiting at once", {{"signal", strsignal(signum)}});
        std::_Exit(1);
      }
      signalled_ = true;
    }
    set("signal", strsignal(signum), false);
  }
  void tree_down(std::string reason, bool clean) {
    set("supervision tree", std::move(reason), !clean);
  }

  /// Blocks until the first event; returns (what, detail, failed).
  std::tuple<std::string, std::string, bool> wait() {
    std::unique_lock lock{mutex_};
    cv_.wait(lock, [&] { return fired_; });
    return {what_, detail_, failed_};
  }

  /// Waits up to `timeout` for the tree to be down.
  bool wait_tree_down(std::chrono::milliseconds timeout) {
    std::unique_lock lock{mutex_};
    return cv_.wait_for(lock, timeout, [&] { return tree_down_; });
  }

 private:
  void set(std::string what, std::string detail, bool failed) {
    std::lock_guard lock{mutex_};
    if (what == "supervision tree") tree_down_ = true;
    if (!fired_) {
      fired_ = true;
      what_ = std::move(what);
      detail_ = std::move(detail);
      failed_ = failed;
    }
    cv_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  bool fired_ = false;
  bool tree_down_ = false;
  bool signalled_ = false;
  std::string what_, detail_;
  bool failed_ = false;
};

void register_build_info(metrics::registry& reg) {
  reg.gauges("vigil_build_info",
             "A metric with a constant '1' value labeled by version and revision.",
             {"version", "revision", "compiler"})
      .with({vigil::version, vigil::revision, __VERSION__})
      .set(1);
}

caf::actor_system_config actor_config() {
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  // One worker per core; `sharing` cut request latency about 4x here
  // compared to work stealing (../shared/NOTES-toolchain.md).
  cfg.set("scheduler.max-threads", std::max(2u, std::thread::hardware_concurrency()));
  cfg.set("scheduler.policy", caf::atom("sharing"));
  return cfg;
}

}  // namespace

int run_node(const config::config& cfg, const config::node_config& self,
             const node_endpoints& endpoints, std::map<std::string, std::string> flags) {
  metrics::registry registry;
  metrics::register_process_metrics(registry);
  register_build_info(registry);

  std::error_code ec;
  std::filesystem::create_directories(endpoints.data_dir, ec);
  if (ec) {
    log::error("node", "cannot create data directory",
               {{"dir", endpoints.data_dir}, {"error", ec.message()}});
    return 1;
  }

  actor_directory directory;
  authenticator auth{cfg.auth};
  std::atomic<bool> ready{false};
  stop_event stop;

  // Before the actor system: its shards report writes to it until they stop.
  promql::range_cache range_cache{
      {.max_bytes = cfg.query.cache_max_bytes, .freshness = cfg.query.cache_freshness}, &registry};

  auto sys_cfg = actor_config();
  caf::actor_system sys{sys_cfg};

  // After the actor system and the engine: destroyed first, once its
  // queries are done.
  const promql::engine engine{{.lookback_delta = cfg.query.lookback_delta}};
  query_runner queries{2, 64};

  scrape_jobs jobs{cfg.scrape_configs};
  scrape::target_board targets;
  node_status status{cfg, std::move(flags)};
  // Only scrape_configs are reloaded; other sections take effect at restart.
  auto reload = [&cfg, &jobs, &directory, &status]() -> std::optional<error> {
    if (cfg.source == "<embedded>") return std::nullopt;
    auto fresh = config::load_file(cfg.source);
    if (!fresh) {
      log::error("node", "configuration not reloaded",
                 {{"file", cfg.source}, {"error", fresh.error_value().message}});
      status.reloaded(nullptr);
      return fresh.error_value();
    }
    status.reloaded(&*fresh);
    jobs.set(fresh->scrape_configs);
    if (auto discovery = directory.find("node/scrape/discovery"); discovery && *discovery)
      caf::anon_send(*discovery, actors::reload_atom::value);
    log::info("node", "configuration reloaded", {{"file", cfg.source}});
    return std::nullopt;
  };

  http::event_loop loop;
  for (int signum : {SIGINT, SIGTERM})
    if (auto err = loop.on_signal(signum, [&stop, signum] { stop.signal(signum); })) {
      log::error("node", "cannot handle signals", {{"error", err->message}});
      return 1;
    }
  if (auto err = loop.on_signal(SIGHUP, [&reload] { (void)reload(); })) {
    log::error("node", "cannot handle signals", {{"error", err->message}});
    return 1;
  }
  http::client client{loop};
  if (auto err = loop.start()) {
    log::error("node", "cannot start the event loop", {{"error", err->message}});
    return 1;
  }

  http::router router;
  add_node_routes(router,
                  {.registry = &registry, .directory = &directory, .auth = &auth, .ready = &ready});
  add_storage_routes(router, sys, directory, auth);
  add_ingest_routes(router, sys, directory, auth, cfg.http.max_body_bytes);
  add_series_routes(router, sys, directory, auth);
  add_query_routes(router, sys, directory, auth, queries, engine, range_cache, cfg.query);
  add_scrape_routes(router, auth, targets, reload);
  add_status_routes(router, auth, status);
  http::server_options limits{.read_timeout = cfg.http.read_timeout,
                              .idle_timeout = cfg.http.idle_timeout,
                              .max_header_bytes = cfg.http.max_header_bytes,
                              .max_body_bytes = cfg.http.max_body_bytes,
                              .max_connections = cfg.http.max_connections};
  http::server server{loop, limits, std::move(router), http_metrics(registry)};
  auto port = server.listen(endpoints.http.host, endpoints.http.port);
  if (!port) {
    log::error("node", "cannot listen for HTTP", {{"error", port.error_value().message}});
    loop.stop();
    return 1;
  }
  auto pusher = make_push_server(loop, sys, directory, auth, registry, self.name);
  auto ingest_port = pusher->listen(endpoints.ingest.host, endpoints.ingest.port);
  if (!ingest_port) {
    log::error("node", "cannot listen for push", {{"error", ingest_port.error_value().message}});
    loop.stop();
    return 1;
  }
  log::info("node", "listening",
            {{"node", self.name},
             {"http", endpoints.http.host + ":" + std::to_string(*port)},
             {"ingest", endpoints.ingest.host + ":" + std::to_string(*ingest_port)},
             {"data_dir", endpoints.data_dir},
             {"version", vigil::version}});

  supervision_env env{.registry = &registry, .directory = &directory};
  actors::scraper_env scrapers{.client = &client,
                               .router =
                                   [&directory] {
                                     auto found = directory.find(router_path);
                                     return found ? caf::actor_cast<actors::router_actor>(*found)
                                                  : actors::router_actor{};
                                   },
                               .board = &targets,
                               .registry = &registry};
  auto tree = node_tree(
      env, cfg, endpoints.data_dir, jobs, std::move(scrapers),
      [&range_cache](timestamp oldest) { range_cache.note_write(oldest, wall_clock_now()); });
  auto root = spawn_supervisor(sys, "node", std::move(tree), env, [&ready] {
    ready = true;
    log::info("node", "ready");
  });
  root->attach_functor([&stop, &sys](const caf::error& reason) {
    stop.tree_down(sys.render(reason), reason == caf::exit_reason::user_shutdown);
  });

  auto [what, detail, failed] = stop.wait();
  if (failed)
    log::error("node", "supervision tree failed, stopping", {{"reason", detail}});
  else
    log::info("node", "shutting down", {{"cause", what}, {"detail", detail}});

  // In-flight requests may still need actors: let them finish first.
  server.drain(2s);
  pusher->drain(2s);
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  if (!stop.wait_tree_down(7s)) {
    log::error("node", "supervision tree did not stop in time, killing it");
    caf::anon_send_exit(root, caf::exit_reason::kill);
    failed = true;
  }
  loop.stop();
  log::info("node", "stopped", {{"exit_code", failed ? 1 : 0}});
  return failed ? 1 : 0;
}

}  // namespace vigil::runtime
