// Crash safety of the whole write path: shard_crash_child is SIGKILLed at
// a seeded random number of acknowledged batches (sometimes before the
// first) 20+ times over the same directory; after each kill the shard is
// reopened and every acknowledged sample must be there exactly once.

#include <catch2/catch.hpp>
#include <random>
#include <set>

#include "storage/shard/shard_engine.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

using namespace vigil;

TEST_CASE("every acknowledged sample survives SIGKILL exactly once", "[shard][crash]") {
  test::temp_dir dir;
  const std::string shard_dir = dir / "shard";
  std::mt19937 rng(424242);
  std::set<timestamp> acknowledged;
  for (int iteration = 1; iteration <= 24; ++iteration) {
    const uint32_t kill_after = rng() % 5 == 0 ? 0 : rng() % 300;
    INFO("iteration " << iteration << ", kill after " << kill_after << " acks");
    {
      test::child_process child({VIGIL_SHARD_CRASH_CHILD, shard_dir, std::to_string(rng())});
      auto line = child.read_line();
      REQUIRE(line == "ready");
      for (uint32_t n = 0; n < kill_after; ++n) {
        line = child.read_line();
        REQUIRE(line);
        REQUIRE(line->starts_with("ack "));
        acknowledged.insert(std::stoll(line->substr(4)));
      }
      child.kill();
    }
    shard_options opts;
    opts.dir = shard_dir;
    auto engine = shard_engine::open(posix_file_system(), opts);
    REQUIRE(engine);
    for (const auto& issue : (*engine)->replayed().issues) INFO("replay: " << issue.what);
    std::vector<index::matcher> all;
    auto got = (*engine)->select(all, INT64_MIN, INT64_MAX);
    REQUIRE(got);
    if (acknowledged.empty()) continue;
    REQUIRE(got->size() == 8);
    for (const auto& s : *got) {
      std::multiset<timestamp> present;
      for (const auto& smp : s.samples) {
        present.insert(smp.t);
        CHECK(smp.v == static_cast<double>(smp.t) / 7);
      }
      for (timestamp t : acknowledged) {
        INFO(s.ls.to_string() << " t=" << t);
        CHECK(present.count(t) == 1);
      }
    }
    REQUIRE_FALSE((*engine)->close());
  }
  CHECK(acknowledged.size() > 500);
}
