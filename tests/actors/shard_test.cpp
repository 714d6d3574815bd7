// The shard actor against a real actor system and a real shard directory.

#include "actors/shard.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include "tests/actors/fixture.hpp"

using namespace std::chrono_literals;
using namespace vigil;
using namespace vigil::actors;
using vigil::test::fixture;

namespace {

std::vector<series_write> batch(timestamp t) {
  return {{*labels::from({{"__name__", "up"}, {"job", "a"}}), {{t, 1}}},
          {*labels::from({{"__name__", "up"}, {"job", "b"}}), {{t, 0}}}};
}

}  // namespace

TEST_CASE_METHOD(fixture, "a write is acknowledged once durable, then readable", "[shard]") {
  for (auto mode : {wal::sync_mode::always, wal::sync_mode::batch}) {
    auto shard = spawn(mode);
    auto ack = ask<write_ack>(shard, write_atom::value, batch(1000 * (1 + int(mode))));
    CHECK(ack.accepted == 2);
    CHECK(ack.issues.empty());
    select_request req{{*index::matcher::make(index::match_op::equal, "job", "b")}, 0, INT64_MAX};
    auto got = ask<std::vector<series_data>>(shard, select_atom::value, req);
    REQUIRE(got.size() == 1);
    CHECK(got[0].samples.back().v == 0);
    label_request names{{}, {}, 0, INT64_MAX};
    CHECK(ask<std::vector<std::string>>(shard, labels_atom::value, names) ==
          std::vector<std::string>{"__name__", "job"});
    label_request jobs{"job", {}, 0, INT64_MAX};
    CHECK(ask<std::vector<std::string>>(shard, labels_atom::value, jobs) ==
          std::vector<std::string>{"a", "b"});
    auto status = ask<shard_status>(shard, status_atom::value);
    CHECK(status.shard == 7);
    CHECK(status.head.series == 2);
    CHECK(status.series_by_metric == std::vector<name_count>{{"up", 2}});
    CHECK(ask<uint32_t>(shard, flush_atom::value) == 7);
    CHECK(ask<shard_status>(shard, status_atom::value).tiers.at(0).samples >= 2);
    caf::scoped_actor self{*sys};
    self->send_exit(shard, caf::exit_reason::user_shutdown);
    self->wait_for(shard);
  }
  CHECK(registry.gauges("vigil_shard_series", "", {"shard"}).with({"7"}).value() == 2);
}

TEST_CASE_METHOD(fixture, "rejections come back per series index", "[shard]") {
  auto shard = spawn(wal::sync_mode::never);
  (void)ask<write_ack>(shard, write_atom::value, batch(5000));
  auto ack = ask<write_ack>(shard, write_atom::value, batch(4000));
  CHECK(ack.accepted == 0);
  REQUIRE(ack.issues.size() == 2);
  CHECK(ack.issues[1].series_index == 1);
  CHECK(ack.issues[1].code == "out_of_order");
  caf::anon_send_exit(shard, caf::exit_reason::user_shutdown);
}
