#include "actors/shard.hpp"

#include <array>
#include <caf/all.hpp>
#include <deque>
#include <filesystem>
#include <optional>

#include "actors/instrument.hpp"
#include "storage/base/log.hpp"

namespace vigil::actors {
namespace {

struct pending_write {
  uint64_t position;
  caf::typed_response_promise<write_ack> promise;
  write_ack ack;
};

// Per-shard series in /metrics, refreshed after each write batch.
struct shard_metrics {
  metrics::gauge* series;
  metrics::counter* appended;
  std::array<metrics::counter*, head::reject_reason_count> rejected;
  metrics::counter* refused;
  head::head_stats last;  // what the counters already include

  shard_metrics(metrics::registry& reg, uint32_t index) {
    const std::string shard = std::to_string(index);
    series =
        &reg.gauges("vigil_shard_series", "Series in the shard's head.", {"shard"}).with({shard});
    appended = &reg.counters("vigil_shard_samples_appended_total", "Samples stored.", {"shard"})
                    .with({shard});
    auto& rej = reg.counters("vigil_shard_samples_rejected_total", "Samples rejected, by reason.",
                             {"shard", "reason"});
    for (size_t r = 0; r < rejected.size(); ++r)
      rejected[r] = &rej.with({shard, std::string{head::to_string(head::reject_reason(r))}});
    refused = &reg.counters("vigil_shard_series_refused_total",
                            "New series refused by a series limit.", {"shard"})
                   .with({shard});
  }

  void update(const head::head_stats& now) {
    series->set(static_cast<double>(now.series));
    appended->inc(static_cast<double>(now.samples_appended - last.samples_appended));
    for (size_t r = 0; r < rejected.size(); ++r)
      rejected[r]->inc(static_cast<double>(now.rejected[r] - last.rejected[r]));
    refused->inc(static_cast<double>(now.series_refused - last.series_refused));
    last = now;
  }
};

struct shard_state {
  shard_config cfg;
  std::optional<shard_metrics> metrics;
  std::unique_ptr<shard_engine> engine;
  // Writes waiting for durability, by increasing position; shared with the
  // exit hook that fails whatever is left when the shard stops.
  std::shared_ptr<std::deque<pending_write>> pending =
      std::make_shared<std::deque<pending_write>>();
  static inline const char* name = "vigil.shard";
};

using shard_pointer = shard_actor::stateful_pointer<shard_state>;

caf::error to_caf(const error& e) {
  return caf::make_error(caf::sec::runtime_error, to_string(e));
}

void deliver_durable(shard_pointer self, uint64_t durable) {
  auto& pending = *self->state.pending;
  while (!pending.empty() && pending.front().position <= durable) {
    pending.front().promise.deliver(std::move(pending.front().ack));
    pending.pop_front();
  }
}

uint64_t dir_bytes(const std::string& path) {
  std::error_code ec;
  uint64_t total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  return total;
}

shard_status status_of(shard_state& st) {
  constexpr size_t top_n = 10;
  const auto& head = st.engine->memory();
  const auto& idx = head.label_index();
  shard_status s;
  s.shard = st.cfg.index;
  s.head = head.stats();
  s.memory_bytes = head.memory_bytes();
  std::vector<name_count> by_metric, by_pair, memory;
  for (const auto& [name, values] : idx.value_counts()) {
    s.values_by_label.emplace_back(name, values);
    s.label_pairs += values;
    uint64_t bytes = 0;
    for (const auto& [value, count] : idx.series_per_value(name)) {
      if (name == metric_name_label) by_metric.emplace_back(value, count);
      by_pair.emplace_back(name + "=" + value, count);
      bytes += value.size() * count;
    }
    memory.emplace_back(name, bytes);
  }
  s.series_by_metric = top_counts(std::move(by_metric), top_n);
  s.series_by_pair = top_counts(std::move(by_pair), top_n);
  s.memory_by_label = top_counts(std::move(memory), top_n);
  if (auto tiers = st.engine->persisted().usage()) s.tiers = std::move(*tiers);
  s.wal_bytes = dir_bytes(st.cfg.storage.dir + "/wal");
  s.db_bytes = dir_bytes(st.cfg.storage.dir) - s.wal_bytes;
  return s;
}

shard_actor::behavior_type shard(shard_pointer self, shard_config cfg, metrics::registry* registry,
                                 std::function<void()> on_started) {
  self->state.cfg = std::move(cfg);
  auto& st = self->state;
  auto engine = shard_engine::open(posix_file_system(), st.cfg.storage);
  if (!engine) {
    self->quit(to_caf(engine.error_value()));
    return shard_actor::behavior_type::make_empty_behavior();
  }
  st.engine = std::move(*engine);
  // Damage found at start is reported, not fatal: the shard serves what
  // is intact (../../docs/storage.md).
  const std::string shard_name = "shard-" + std::to_string(st.cfg.index);
  for (const auto& issue : st.engine->replayed().issues)
    log::warn("storage", "wal damage repaired",
              {{"shard", shard_name}, {"detail", issue.to_string()}});
  for (const auto& issue : st.engine->startup_issues())
    log::error("storage", "database unreadable", {{"shard", shard_name}, {"detail", issue}});
  if (auto err = st.engine->persisted().check_integrity())
    log::error("storage", "database damaged", {{"shard", shard_name}, {"error", err->message}});
  st.metrics.emplace(*registry, st.cfg.index);
  // Replayed samples were counted before the restart: start from here.
  st.metrics->last = st.engine->memory().stats();
  st.metrics->series->set(static_cast<double>(st.metrics->last.series));
  self->attach_functor([pending = st.pending](const caf::error& reason) {
    for (auto& p : *pending)
      p.promise.deliver(reason ? reason : caf::make_error(caf::sec::request_receiver_down));
    pending->clear();
  });
  auto addr = caf::actor_cast<caf::actor_addr>(self);
  st.engine->on_durable([addr](uint64_t pos) {
    if (auto me = caf::actor_cast<caf::actor>(addr)) caf::anon_send(me, durable_atom::value, pos);
  });
  self->delayed_send(self, st.cfg.persist_interval, persist_atom::value);
  self->delayed_send(self, st.cfg.maintain_interval, maintain_atom::value);
  if (on_started) on_started();
  return instrumented<shard_actor::behavior_type>(
      self, probe_for(*registry, "shard"),
      [self](write_atom, const std::vector<series_write>& batch) -> caf::result<write_ack> {
        auto& st = self->state;
        auto r = st.engine->write(batch);
        st.metrics->update(st.engine->memory().stats());
        if (!r) {
          // The head may now hold samples the WAL lacks: restart, so the
          // head is rebuilt from the WAL, and fail everything unacknowledged.
          auto err = to_caf(r.error_value());
          self->quit(err);
          return err;
        }
        if (r->accepted && st.cfg.on_accepted) st.cfg.on_accepted(r->oldest_accepted);
        write_ack ack{r->accepted, std::move(r->issues), std::move(r->refs)};
        if (st.engine->wal_durable() >= r->wal_position) return ack;
        auto promise = self->make_response_promise<write_ack>();
        st.pending->push_back({r->wal_position, promise, std::move(ack)});
        return promise;
      },
      [self](select_atom, const select_request& req) -> caf::result<std::vector<series_data>> {
        auto r = self->state.engine->select(req.matchers, req.min_t, req.max_t, req.resolution);
        if (!r) return to_caf(r.error_value());
        return std::move(*r);
      },
      [self](series_atom, const select_request& req) -> caf::result<series_list> {
        auto r = self->state.engine->series(req.matchers, req.min_t, req.max_t);
        if (!r) return to_caf(r.error_value());
        return series_list{std::move(*r)};
      },
      [self](labels_atom, const label_request& req) -> caf::result<std::vector<std::string>> {
        auto& engine = *self->state.engine;
        auto r = req.name ? engine.label_values(*req.name, req.matchers, req.min_t, req.max_t)
                          : engine.label_names(req.matchers, req.min_t, req.max_t);
        if (!r) return to_caf(r.error_value());
        return std::move(*r);
      },
      [self](flush_atom) -> caf::result<uint32_t> {
        if (auto err = self->state.engine->flush()) {
          // Chunks taken from the head did not reach the catalog: restart
          // so the WAL (not yet truncated) restores them.
          self->quit(to_caf(*err));
          return to_caf(*err);
        }
        return self->state.cfg.index;
      },
      [self](status_atom) -> shard_status { return status_of(self->state); },
      [self](durable_atom, uint64_t pos) { deliver_durable(self, pos); },
      [self](maintain_atom) {
        // The engine takes time as a parameter; the actor is where it is read.
        if (auto r = self->state.engine->maintain(wall_clock_now()); !r)
          self->quit(to_caf(r.error_value()));
        else
          self->delayed_send(self, self->state.cfg.maintain_interval, maintain_atom::value);
      },
      [self](persist_atom) {
        auto& st = self->state;
        if (auto err = st.engine->persist_cut(st.cfg.persist_slice)) {
          self->quit(to_caf(*err));
          return;
        }
        // Series cut their chunks together (every one reaches its 120th
        // sample in the same scrape): persist the rest in slices behind the
        // writes already queued, so acks never wait for a whole burst.
        if (st.engine->memory().cut_waiting() > 0)
          self->send(self, persist_atom::value);
        else
          self->delayed_send(self, st.cfg.persist_interval, persist_atom::value);
      });
}

}  // namespace

shard_actor spawn_shard(caf::event_based_actor* parent, shard_config cfg,
                        metrics::registry* registry, std::function<void()> on_started) {
  // Detached: a shard does blocking file and SQLite I/O (replay, fsync,
  // commits, maintenance) and must not hold up the scheduler's workers.
  return parent->spawn<caf::detached>(shard, std::move(cfg), registry, std::move(on_started));
}

}  // namespace vigil::actors
