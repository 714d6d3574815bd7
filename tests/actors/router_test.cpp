// The router against real shard actors.

#include "actors/router.hpp"

#include "tests/actors/fixture.hpp"

using namespace vigil;
using namespace vigil::actors;
using vigil::test::fixture;

namespace {

labels up(int instance) {
  return *labels::from({{"__name__", "up"}, {"instance", "i" + std::to_string(instance)}});
}

// Series 0..n-1 of `up`, one sample each at `t`.
std::vector<series_write> batch(int n, timestamp t) {
  std::vector<series_write> out;
  for (int i = 0; i < n; ++i) out.push_back({up(i), {{t, 1.0 * i}}});
  return out;
}

struct two_shards : fixture {
  std::vector<shard_actor> shards{spawn(wal::sync_mode::batch, 0), spawn(wal::sync_mode::batch, 1)};

  router_actor router(router_config cfg = {.shards = 2}, bool second_up = true) {
    auto lookup = [shards = shards, second_up](uint32_t i) {
      return i == 1 && !second_up ? shard_actor{} : shards[i];
    };
    return spawn_from_parent(
        [&](caf::event_based_actor* p) { return spawn_router(p, cfg, lookup, &registry); });
  }

  ~two_shards() {
    for (auto& s : shards) caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
  }
};

}  // namespace

TEST_CASE_METHOD(two_shards, "the router splits a batch by shard and merges the acks", "[router]") {
  auto r = router();
  auto first = ask<write_ack>(r, write_atom::value, batch(20, 1000));
  CHECK(first.accepted == 20);
  CHECK(first.issues.empty());
  REQUIRE(first.refs.size() == 20);
  // Both shards got series, each under its own refs.
  size_t in_shard_1 = 0;
  for (int i = 0; i < 20; ++i) in_shard_1 += shard_of({up(i), {}}, 2);
  CHECK(in_shard_1 > 0);
  CHECK(in_shard_1 < 20);

  // Issues come back under the batch's own indices; refs name the series.
  auto second = batch(20, 2000);
  second[13].samples = {{500, 1}};  // older than the stored sample
  for (int i : {4, 7}) {
    second[i].label_hash = second[i].ls.hash();
    second[i].ref = first.refs[i];
    second[i].ls = {};
  }
  auto ack = ask<write_ack>(r, write_atom::value, second);
  CHECK(ack.accepted == 19);
  REQUIRE(ack.issues.size() == 1);
  CHECK(ack.issues[0].series_index == 13);
  CHECK(ack.issues[0].code == "out_of_order");
  CHECK(ack.refs[4] == first.refs[4]);
}

TEST_CASE_METHOD(two_shards, "a shard that is down or at its limit is answered overloaded",
                 "[router]") {
  auto down = router({.shards = 2}, false);
  auto ack = ask<write_ack>(down, write_atom::value, batch(20, 1000));
  size_t refused = 0;
  for (const auto& issue : ack.issues) {
    CHECK(issue.code == "overloaded");
    CHECK(shard_of({up(static_cast<int>(issue.series_index)), {}}, 2) == 1);
    ++refused;
  }
  CHECK(refused > 0);
  CHECK(ack.accepted + refused == 20);

  auto full = router({.shards = 2, .max_inflight = 0});
  ack = ask<write_ack>(full, write_atom::value, batch(5, 2000));
  CHECK(ack.accepted == 0);
  CHECK(ack.issues.size() == 5);
}
