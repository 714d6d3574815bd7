#pragma once

// An actor system and a data directory for actor tests, with helpers to
// spawn vigil's actors and ask them.

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include "actors/shard.hpp"
#include "tests/support/temp_dir.hpp"

namespace vigil::test {

struct fixture {
  temp_dir dir;
  metrics::registry registry;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;

  fixture() {
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
  }

  // spawn_* functions spawn from a parent; this uses a throwaway one.
  template <class Spawn>
  auto spawn_from_parent(Spawn spawn) {
    decltype(spawn(nullptr)) out;
    auto parent = sys->spawn([&](caf::event_based_actor* p) { out = spawn(p); });
    caf::scoped_actor waiter{*sys};
    waiter->wait_for(parent);
    return out;
  }

  actors::shard_actor spawn(wal::sync_mode mode, uint32_t index = 7) {
    actors::shard_config sc;
    sc.index = index;
    sc.storage.dir = dir / ("shard-" + std::to_string(index));
    sc.storage.wal.sync = mode;
    sc.storage.wal.batch_interval = std::chrono::milliseconds{50};
    return spawn_from_parent(
        [&](caf::event_based_actor* p) { return actors::spawn_shard(p, sc, &registry); });
  }

  template <class T, class Handle, class... Ts>
  T ask(const Handle& to, Ts... xs) {
    caf::scoped_actor self{*sys};
    T result;
    self->request(to, std::chrono::seconds{10}, xs...)
        .receive([&](T& r) { result = std::move(r); },
                 [](caf::error& e) { FAIL(caf::to_string(e)); });
    return result;
  }
};

}  // namespace vigil::test
