#include "runtime/supervision/restart_policy.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using namespace vigil::supervision;

namespace {
restart_policy policy(uint32_t max, vigil::duration window) {
  restart_policy p;
  p.max_restarts = max;
  p.window = window;
  p.initial_backoff = 100ms;
  p.max_backoff = 1s;
  p.backoff_multiplier = 2;
  return p;
}
}  // namespace

TEST_CASE("backoff doubles per restart in the window and is capped", "[supervision]") {
  restart_tracker t{policy(10, 60s)};
  clock::time_point now{};
  std::vector<int64_t> delays;
  for (int i = 0; i < 6; ++i) {
    auto d = t.on_failure(now += 1s);
    REQUIRE_FALSE(d.escalate);
    delays.push_back(d.delay.count());
  }
  CHECK(delays == std::vector<int64_t>{100, 200, 400, 800, 1000, 1000});
}

TEST_CASE("more failures than the intensity within the window escalate", "[supervision]") {
  restart_tracker t{policy(3, 10s)};
  clock::time_point now{};
  for (int i = 0; i < 3; ++i) CHECK_FALSE(t.on_failure(now += 1s).escalate);
  CHECK(t.on_failure(now += 1s).escalate);
}

TEST_CASE("failures spread wider than the window never escalate", "[supervision]") {
  restart_tracker t{policy(3, 10s)};
  clock::time_point now{};
  for (int i = 0; i < 20; ++i) {
    auto d = t.on_failure(now += 4s);
    REQUIRE_FALSE(d.escalate);
  }
  CHECK(t.recent_restarts() == 3);
}

TEST_CASE("backoff resets once old failures leave the window", "[supervision]") {
  restart_tracker t{policy(5, 10s)};
  clock::time_point now{};
  CHECK(t.on_failure(now).delay == 100ms);
  CHECK(t.on_failure(now += 1s).delay == 200ms);
  CHECK(t.on_failure(now += 30s).delay == 100ms);
}

TEST_CASE("zero intensity escalates the first failure", "[supervision]") {
  restart_tracker t{policy(0, 10s)};
  CHECK(t.on_failure(clock::time_point{}).escalate);
}
