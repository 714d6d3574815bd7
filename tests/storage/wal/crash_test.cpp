// Crash safety: runs wal_crash_child, SIGKILLs it at a seeded random
// number of acknowledgements (sometimes before the first), replays, and
// checks that every acknowledged record is there exactly once and that the
// only damage is a truncated tail. The same directory is reused across
// iterations, so each child also replays its predecessors' crashes.

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <set>
#include <sstream>

#include "tests/support/child_process.hpp"
#include "wal_test_util.hpp"

using namespace vigil;
using namespace vigil::wal;
using namespace vigil::wal::test;

namespace {

constexpr int iterations = 24;

// Parses "ack <id> <position>" into the id.
uint64_t acked_id(const std::string& line) {
  std::istringstream in(line);
  std::string word;
  uint64_t id = 0, position = 0;
  in >> word >> id >> position;
  REQUIRE(word == "ack");
  REQUIRE(position > 0);
  return id;
}

}  // namespace

TEST_CASE("wal keeps every acknowledged record across SIGKILLs", "[wal][crash]") {
  temp_dir dir;
  const std::string log_dir = dir / "wal";
  std::mt19937 rng(20240601);
  std::set<uint64_t> acknowledged;
  uint64_t truncations = 0;
  for (int iteration = 1; iteration <= iterations; ++iteration) {
    const char* mode = iteration % 2 ? "always" : "batch";
    const uint32_t kill_after = rng() % 4 == 0 ? 0 : rng() % 600;
    INFO("iteration " << iteration << " mode " << mode << " kill after " << kill_after);
    {
      vigil::test::child_process child(
          {VIGIL_WAL_CRASH_CHILD, log_dir, mode, std::to_string(iteration), "3"});
      REQUIRE(child.read_line() == "ready");
      for (uint32_t acks = 0; acks < kill_after; ++acks) {
        auto line = child.read_line();
        REQUIRE(line);
        acknowledged.insert(acked_id(*line));
      }
      child.kill();
      // Acknowledgements already in the pipe were given before the kill.
      while (auto line = child.read_line()) acknowledged.insert(acked_id(*line));
    }

    std::set<uint64_t> present;
    std::vector<uint64_t> duplicated, mixed, missing;
    std::vector<sample_entry> samples;
    auto report = replay(posix_file_system(), log_dir, [&](const replayed_record& r) {
      if (auto err = decode_samples(r.payload, samples)) return err;
      const uint64_t id = samples.empty() ? 0 : samples.front().id;
      for (const auto& s : samples)
        if (s.id != id) mixed.push_back(id);
      if (!present.insert(id).second) duplicated.push_back(id);
      return std::optional<error>{};
    });
    REQUIRE(report);
    for (const auto& issue : report->issues) {
      INFO(issue.to_string());
      CHECK(issue.action == replay_action::truncated);
      ++truncations;
    }
    std::set_difference(acknowledged.begin(), acknowledged.end(), present.begin(), present.end(),
                        std::back_inserter(missing));
    CHECK(duplicated.empty());
    CHECK(mixed.empty());
    CHECK(missing.empty());
  }
  INFO("acknowledged " << acknowledged.size() << ", truncated tails " << truncations);
  CHECK(acknowledged.size() > 500);
}
