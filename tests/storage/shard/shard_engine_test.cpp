#include "storage/shard/shard_engine.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>

#include "tests/support/sample_lists.hpp"
#include "tests/support/temp_dir.hpp"

using namespace vigil;
using namespace std::chrono_literals;

namespace {

shard_options options(const test::temp_dir& dir) {
  shard_options o;
  o.dir = dir / "shard";
  o.wal.sync = wal::sync_mode::always;
  o.head.chunk_samples = 4;
  return o;
}

labels series(const char* name, const char* job = "api") {
  return *labels::from({{"__name__", name}, {"job", job}});
}

std::vector<series_data> select_all(shard_engine& e, timestamp min_t = INT64_MIN,
                                    timestamp max_t = INT64_MAX) {
  std::vector<index::matcher> none;
  auto r = e.select(none, min_t, max_t);
  REQUIRE(r);
  return std::move(*r);
}

series_write::sample_list ramp(timestamp from, int n) {
  series_write::sample_list out;
  for (int i = 0; i < n; ++i) out.push_back({from + i * 15000, static_cast<double>(i) * 1.5});
  return out;
}

}  // namespace

TEST_CASE("written samples are read back and survive a reopen", "[shard]") {
  test::temp_dir dir;
  std::vector<series_write> batch{{series("a"), ramp(0, 10)}, {series("b"), {{0, NAN}}}};
  {
    auto e = shard_engine::open(posix_file_system(), options(dir));
    REQUIRE(e);
    auto r = (*e)->write(batch);
    REQUIRE(r);
    CHECK(r->accepted == 11);
    CHECK(r->issues.empty());
    REQUIRE_FALSE((*e)->wait_durable(r->wal_position));
    REQUIRE_FALSE((*e)->persist_cut());
    auto got = select_all(**e);
    REQUIRE(got.size() == 2);
    CHECK(got[0].samples == batch[0].samples);
    REQUIRE_FALSE((*e)->close());
  }
  auto e = shard_engine::open(posix_file_system(), options(dir));
  REQUIRE(e);
  auto got = select_all(**e);
  REQUIRE(got.size() == 2);
  CHECK(got[0].ls == series("a"));
  CHECK(got[0].samples == batch[0].samples);
  CHECK(got[1].samples == batch[1].samples);
}

TEST_CASE("flush persists everything and the checkpointed WAL still restores series", "[shard]") {
  test::temp_dir dir;
  std::vector<series_write> batch{{series("a"), ramp(0, 7)}};
  {
    auto e = shard_engine::open(posix_file_system(), options(dir));
    REQUIRE(e);
    REQUIRE_FALSE((*e)->flush());  // nothing to flush yet
    REQUIRE((*e)->write(batch));
    REQUIRE_FALSE((*e)->flush());
    REQUIRE_FALSE((*e)->flush());  // nothing new since
    auto usage = (*e)->persisted().usage();
    REQUIRE(usage);
    CHECK(usage->at(0).samples == 7);
    REQUIRE_FALSE((*e)->close());
  }
  auto e = shard_engine::open(posix_file_system(), options(dir));
  REQUIRE(e);
  CHECK((*e)->replayed().checkpoint.has_value());
  auto got = select_all(**e);
  REQUIRE(got.size() == 1);
  CHECK(got[0].samples == batch[0].samples);
  // New samples after the restart continue the same series.
  auto more = (*e)->write(std::vector<series_write>{{series("a"), ramp(7 * 15000, 3)}});
  REQUIRE(more);
  CHECK(more->accepted == 3);
  CHECK(select_all(**e)[0].samples.size() == 10);
  CHECK(select_all(**e, 15000, 30000)[0].samples.size() == 2);
  // Resending persisted samples after the restart stores nothing twice.
  auto resent = (*e)->write(batch);
  REQUIRE(resent);
  CHECK(resent->accepted == 0);
  CHECK(select_all(**e)[0].samples.size() == 10);
}

TEST_CASE("rejected samples and refused series are reported per series index", "[shard]") {
  test::temp_dir dir;
  auto opts = options(dir);
  opts.head.max_series = 1;
  auto e = shard_engine::open(posix_file_system(), opts);
  REQUIRE(e);
  REQUIRE((*e)->write(std::vector<series_write>{{series("a"), {{2000, 1}}}}));
  auto r = (*e)->write(std::vector<series_write>{{series("a"), {{1000, 1}, {2000, 5}, {3000, 1}}},
                                                 {series("b"), {{0, 1}}}});
  REQUIRE(r);
  CHECK(r->accepted == 1);
  CHECK(r->oldest_accepted == 3000);  // rejected samples do not count
  REQUIRE(r->issues.size() == 2);
  CHECK(r->issues[0].series_index == 0);
  CHECK(r->issues[0].code == "out_of_order");
  CHECK(r->issues[0].message == "2 of 3 samples rejected (first: out_of_order)");
  CHECK(r->issues[1].series_index == 1);
  CHECK(r->issues[1].code == "limit_exceeded");
  auto far = (*e)->write(std::vector<series_write>{{series("a"), {{INT64_MAX, 1}}}});
  REQUIRE(far);
  REQUIRE(far->issues.size() == 1);
  CHECK(far->issues[0].code == "out_of_bounds");
}

TEST_CASE("an identical retry of a batch is stored once", "[shard]") {
  test::temp_dir dir;
  auto opts = options(dir);
  opts.head.chunk_samples = 120;  // retries are recognised within the open chunk
  auto e = shard_engine::open(posix_file_system(), opts);
  REQUIRE(e);
  std::vector<series_write> batch{{series("a"), ramp(0, 5)}};
  auto first = (*e)->write(batch);
  CHECK(first->accepted == 5);
  CHECK(first->oldest_accepted == 0);
  auto again = (*e)->write(batch);
  CHECK(again->accepted == 0);
  CHECK(again->oldest_accepted == max_time);
  CHECK((*e)->write(batch)->issues.empty());
  CHECK(select_all(**e)[0].samples.size() == 5);
}

TEST_CASE("an unreadable database is moved aside and the WAL restores recent data", "[shard]") {
  test::temp_dir dir;
  std::vector<series_write> batch{{series("a"), ramp(0, 3)}};
  {
    auto e = shard_engine::open(posix_file_system(), options(dir));
    REQUIRE(e);
    REQUIRE((*e)->write(batch));
    REQUIRE_FALSE((*e)->close());
  }
  std::filesystem::remove(dir / "shard/shard.db-wal");
  std::filesystem::remove(dir / "shard/shard.db-shm");
  dir.write("shard/shard.db", std::string(8192, '\x5a'));
  auto e = shard_engine::open(posix_file_system(), options(dir));
  REQUIRE(e);
  REQUIRE((*e)->startup_issues().size() == 1);
  CHECK_THAT((*e)->startup_issues()[0], Catch::Contains("shard.db") && Catch::Contains("moved to"));
  CHECK(std::filesystem::exists(dir / "shard/shard.db.damaged"));
  auto got = select_all(**e);
  REQUIRE(got.size() == 1);
  CHECK(got[0].samples == batch[0].samples);
}

TEST_CASE("a shard directory is used by one engine at a time", "[shard]") {
  test::temp_dir dir;
  auto first = shard_engine::open(posix_file_system(), options(dir));
  REQUIRE(first);
  auto second = shard_engine::open(posix_file_system(), options(dir));
  REQUIRE_FALSE(second);
  CHECK(second.error_value().code == errc::unavailable);
  CHECK_THAT(second.error_value().message, Catch::Contains("LOCK"));
  first->reset();
  CHECK(shard_engine::open(posix_file_system(), options(dir)));
}

TEST_CASE("a writer may name a stored series by its ref and label hash", "[shard]") {
  test::temp_dir dir;
  const auto a = series("a");
  uint32_t ref = series_write::no_ref;
  {
    auto e = shard_engine::open(posix_file_system(), options(dir));
    REQUIRE(e);
    auto first = (*e)->write(std::vector<series_write>{{a, ramp(0, 2)}, {series("b"), {}}});
    REQUIRE(first);
    REQUIRE(first->refs.size() == 2);
    ref = first->refs[0];
    CHECK(ref != first->refs[1]);
    auto by_ref = (*e)->write(std::vector<series_write>{{{}, ramp(30000, 2), ref, a.hash()}});
    REQUIRE(by_ref);
    CHECK(by_ref->accepted == 2);
    CHECK(by_ref->refs == std::vector<uint32_t>{ref});
    // The wrong hash (a cached ref of another shard, say) is refused, not misfiled.
    auto stale = (*e)->write(std::vector<series_write>{{{}, ramp(60000, 1), ref, a.hash() + 1}});
    REQUIRE(stale);
    CHECK(stale->accepted == 0);
    REQUIRE(stale->issues.size() == 1);
    CHECK(stale->issues[0].code == "unknown_series");
    CHECK(stale->refs == std::vector<uint32_t>{series_write::no_ref});
    REQUIRE_FALSE((*e)->close());
  }
  // Refs outlive a restart: the WAL restores series under their refs.
  auto e = shard_engine::open(posix_file_system(), options(dir));
  REQUIRE(e);
  auto again = (*e)->write(std::vector<series_write>{{{}, ramp(60000, 1), ref, a.hash()}});
  REQUIRE(again);
  CHECK(again->accepted == 1);
  auto got = select_all(**e);
  REQUIRE_FALSE(got.empty());
  CHECK(got[0].ls == a);
  CHECK(got[0].samples.size() == 5);
}
