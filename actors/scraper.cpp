#include "actors/scraper.hpp"

#include <xxhash.h>

#include <caf/all.hpp>
#include <fstream>
#include <sstream>

#include "actors/instrument.hpp"
#include "scrape/scrape_loop.hpp"
#include "storage/base/log.hpp"

namespace vigil::actors {
namespace {

using clock = std::chrono::system_clock;

// OpenMetrics first, the text format as the fallback, as Prometheus asks.
constexpr const char* accept_header =
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
    "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

timestamp now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now().time_since_epoch())
      .count();
}

// A credentials file, read at every scrape so that rotation needs no
// reload; a trailing newline is not part of the secret.
expected<std::string> read_secret(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return error{errc::io_error, "cannot read " + path};
  std::ostringstream text;
  text << in.rdbuf();
  auto s = std::move(text).str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

expected<http::fetch_request> make_request(const scraper_config& cfg) {
  const auto& job = *cfg.job;
  http::fetch_request req;
  req.url = cfg.target.url;
  req.timeout = cfg.target.timeout;
  req.max_body_bytes = job.body_size_limit;
  req.headers = {
      {"Accept", accept_header},
      {"X-Prometheus-Scrape-Timeout-Seconds",
       std::to_string(std::chrono::duration<double>(cfg.target.timeout).count())},
  };
  if (job.basic) {
    req.username = job.basic->username;
    req.password = job.basic->password;
    if (!job.basic->password_file.empty()) {
      auto secret = read_secret(job.basic->password_file);
      if (!secret) return std::move(secret).error_value();
      req.password = std::move(*secret);
    }
  }
  if (job.bearer) {
    std::string token = job.bearer->credentials;
    if (!job.bearer->credentials_file.empty()) {
      auto secret = read_secret(job.bearer->credentials_file);
      if (!secret) return std::move(secret).error_value();
      token = std::move(*secret);
    }
    req.headers.emplace_back("Authorization", "Bearer " + token);
  }
  return req;
}

scrape::scrape_options loop_options(const scraper_config& cfg) {
  const auto& job = *cfg.job;
  return {.target_labels = cfg.target.target_labels,
          .honor_labels = job.honor_labels,
          .honor_timestamps = job.honor_timestamps,
          .sample_limit = job.sample_limit,
          .label_limit = job.label_limit,
          .label_name_length_limit = job.label_name_length_limit,
          .label_value_length_limit = job.label_value_length_limit,
          .metric_relabel = job.metric_relabel_configs};
}

struct scraper_state {
  scraper_config cfg;
  scraper_env env;
  std::unique_ptr<scrape::scrape_loop> loop;
  bool busy = false;        // a scrape is being fetched or written
  timestamp started = 0;    // the scrape's time: its samples' timestamp
  timestamp next_tick = 0;  // when the next scrape is due
  scrape::target_status status;
  metrics::counter* skipped = nullptr;
  static inline const char* name = "scraper";
};

using scraper_pointer = scraper_actor::stateful_pointer<scraper_state>;

void schedule_next(scraper_pointer self) {
  auto& st = self->state;
  const timestamp interval = st.cfg.target.interval.count();
  const timestamp now = now_ms();
  while (st.next_tick <= now) st.next_tick += interval;
  self->delayed_send(self, std::chrono::milliseconds{st.next_tick - now}, scrape_atom::value);
}

void write(scraper_pointer self, std::vector<series_write> batch) {
  auto& st = self->state;
  auto router = st.env.router();
  if (!router) {
    st.busy = false;
    log::warn("scraper", "router restarting, scrape dropped", {{"target", st.cfg.target.url}});
    return;
  }
  self->request(router, st.cfg.target.interval, write_atom::value, std::move(batch))
      .then(
          [self](write_ack& ack) {
            self->state.loop->written(ack.refs, ack.issues);
            self->state.busy = false;
          },
          [self](caf::error& err) {
            self->state.busy = false;
            log::warn(
                "scraper", "write failed",
                {{"target", self->state.cfg.target.url}, {"error", self->system().render(err)}});
          });
}

void on_fetched(scraper_pointer self, http::fetch_result& r) {
  auto& st = self->state;
  scrape::scrape_report report;
  std::vector<series_write> batch;
  if (r.failure)
    batch = st.loop->failed(std::move(*r.failure), st.started, r.elapsed, report);
  else if (r.status != 200)
    batch = st.loop->failed(
        error{errc::unavailable, "server returned HTTP status " + std::to_string(r.status)},
        st.started, r.elapsed, report);
  else
    batch = st.loop->scraped(r.body, r.content_type, st.started, r.elapsed, report);
  st.status.state = report.failure ? scrape::health::down : scrape::health::up;
  st.status.last_error = report.failure ? report.failure->message : "";
  st.status.last_scrape = st.started;
  st.status.last_duration = r.elapsed;
  if (report.metadata_changed)
    st.status.metadata = std::make_shared<const scrape::metadata_map>(st.loop->metadata());
  st.env.board->set(st.cfg.key, st.status);
  write(self, std::move(batch));
}

void scrape_now(scraper_pointer self) {
  auto& st = self->state;
  schedule_next(self);
  if (st.busy) {
    st.skipped->inc();
    return;
  }
  st.busy = true;
  st.started = now_ms();
  auto req = make_request(st.cfg);
  if (!req) {
    http::fetch_result r;
    r.failure = std::move(req).error_value();
    on_fetched(self, r);
    return;
  }
  auto addr = caf::actor_cast<caf::actor_addr>(self);
  st.env.client->fetch(std::move(*req), [addr](http::fetch_result r) {
    if (auto me = caf::actor_cast<scraper_actor>(addr))
      caf::anon_send(me, fetched_atom::value, std::move(r));
  });
}

scraper_actor::behavior_type scraper(scraper_pointer self, scraper_config cfg, scraper_env env) {
  auto& st = self->state;
  st.loop = std::make_unique<scrape::scrape_loop>(loop_options(cfg));
  st.status.job = cfg.job->name;
  st.status.target = cfg.target;
  st.skipped =
      &env.registry
           ->counters("vigil_scrapes_skipped_total",
                      "Scrapes skipped because the previous one had not finished, by job.", {"job"})
           .with({cfg.job->name});
  const timestamp interval = cfg.target.interval.count();
  const timestamp now = now_ms();
  st.next_tick = now - now % interval + scrape_offset(cfg.target).count();
  if (st.next_tick <= now) st.next_tick += interval;
  st.cfg = std::move(cfg);
  st.env = std::move(env);
  st.env.board->set(st.cfg.key, st.status);
  self->delayed_send(self, std::chrono::milliseconds{st.next_tick - now}, scrape_atom::value);
  // Shutting down: leave the series to the lookback, as Prometheus does.
  self->set_exit_handler([self](caf::exit_msg& msg) { self->quit(msg.reason); });
  self->attach_functor([board = st.env.board, key = st.cfg.key] { board->erase(key); });
  return instrumented<scraper_actor::behavior_type>(
      self, probe_for(*st.env.registry, "scraper"), [self](scrape_atom) { scrape_now(self); },
      [self](fetched_atom, http::fetch_result& r) { on_fetched(self, r); },
      [self](retire_atom) {
        if (auto router = self->state.env.router())
          caf::anon_send(router, write_atom::value, self->state.loop->stopped(now_ms()));
        self->quit();
      });
}

}  // namespace

duration scrape_offset(const scrape::target& t) {
  const auto key = t.url + t.target_labels.to_string();
  const uint64_t h = XXH3_64bits(key.data(), key.size());
  return duration{static_cast<int64_t>(h % static_cast<uint64_t>(t.interval.count()))};
}

scraper_actor spawn_scraper(caf::event_based_actor* parent, scraper_config cfg, scraper_env env) {
  return parent->spawn(scraper, std::move(cfg), std::move(env));
}

}  // namespace vigil::actors
