#include "actors/router.hpp"

#include <algorithm>
#include <caf/all.hpp>
#include <memory>

#include "actors/instrument.hpp"

namespace vigil::actors {
namespace {

struct router_state {
  router_config cfg;
  shard_lookup lookup;
  std::vector<size_t> inflight;  // by shard
  static inline const char* name = "router";
};

// One batch on its way: the merged answer and how many parts are out.
struct gathering {
  write_ack ack;
  size_t parts_left = 0;
  caf::typed_response_promise<write_ack> promise;

  void refuse(const std::vector<size_t>& indices, const std::string& code,
              const std::string& message) {
    for (size_t i : indices) ack.issues.push_back({i, code, message});
  }
  void part_done() {
    if (--parts_left > 0) return;
    std::stable_sort(ack.issues.begin(), ack.issues.end(),
                     [](const auto& a, const auto& b) { return a.series_index < b.series_index; });
    promise.deliver(std::move(ack));
  }
};

using router_pointer = router_actor::stateful_pointer<router_state>;

caf::result<write_ack> route(router_pointer self, std::vector<series_write>& batch) {
  auto& st = self->state;
  const uint32_t n = st.cfg.shards;
  std::vector<std::vector<series_write>> parts(n);
  std::vector<std::vector<size_t>> indices(n);  // batch index of each part's series
  // Series hash evenly: a share and some room saves regrowing big batches.
  const size_t share = batch.size() / n + batch.size() / (4 * n) + 1;
  for (uint32_t s = 0; s < n; ++s) {
    parts[s].reserve(share);
    indices[s].reserve(share);
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    const uint32_t s = shard_of(batch[i], n);
    parts[s].push_back(std::move(batch[i]));
    indices[s].push_back(i);
  }
  auto g = std::make_shared<gathering>();
  g->ack.refs.assign(batch.size(), series_write::no_ref);
  g->promise = self->make_response_promise<write_ack>();
  g->parts_left = 1;  // held until every part is sent
  for (uint32_t s = 0; s < n; ++s) {
    if (parts[s].empty()) continue;
    const std::string shard = "shard-" + std::to_string(s);
    auto handle = st.lookup(s);
    if (!handle) {
      g->refuse(indices[s], "overloaded", shard + " is restarting; retry");
      continue;
    }
    if (st.inflight[s] >= st.cfg.max_inflight) {
      g->refuse(indices[s], "overloaded",
                shard + " has " + std::to_string(st.inflight[s]) + " batches in flight; retry");
      continue;
    }
    ++st.inflight[s];
    ++g->parts_left;
    auto idx = std::make_shared<std::vector<size_t>>(std::move(indices[s]));
    self->request(handle, st.cfg.timeout, write_atom::value, std::move(parts[s]))
        .then(
            [self, s, g, idx](write_ack& a) {
              --self->state.inflight[s];
              g->ack.accepted += a.accepted;
              for (auto& issue : a.issues) {
                issue.series_index = (*idx)[issue.series_index];
                g->ack.issues.push_back(std::move(issue));
              }
              for (size_t k = 0; k < a.refs.size() && k < idx->size(); ++k)
                g->ack.refs[(*idx)[k]] = a.refs[k];
              g->part_done();
            },
            [self, s, g, idx, shard](caf::error& err) {
              --self->state.inflight[s];
              g->refuse(*idx, "internal", shard + ": " + self->system().render(err));
              g->part_done();
            });
  }
  auto result = g->promise;
  g->part_done();  // every part sent (or refused)
  return result;
}

}  // namespace

uint32_t shard_of(const series_write& w, uint32_t shards) {
  const uint64_t hash = w.ref != series_write::no_ref ? w.label_hash : w.ls.hash();
  return static_cast<uint32_t>(hash % shards);
}

router_actor spawn_router(caf::event_based_actor* parent, router_config cfg, shard_lookup lookup,
                          metrics::registry* registry) {
  return parent->spawn([cfg, lookup, registry](router_pointer self) {
    self->state.cfg = cfg;
    self->state.lookup = lookup;
    self->state.inflight.assign(cfg.shards, 0);
    return instrumented<router_actor::behavior_type>(
        self, probe_for(*registry, "router"),
        [self](write_atom, std::vector<series_write>& batch) { return route(self, batch); });
  });
}

}  // namespace vigil::actors
