#include "storage/rollup/rollup.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>

using namespace vigil;
using namespace vigil::rollup;
using namespace std::chrono_literals;

namespace {

// A counter with jittered 15 s scrapes, occasional resets and a stale marker.
std::vector<sample> counter_series(uint32_t seed, int n) {
  std::mt19937 rng(seed);
  std::vector<sample> out;
  double v = 1000;
  timestamp t = 1'700'000'000'000;
  for (int i = 0; i < n; ++i) {
    t += 15000 + static_cast<int>(rng() % 2001) - 1000;
    v = rng() % 97 == 0 ? static_cast<double>(rng() % 50) : v + (rng() % 1000) / 7.0;
    out.push_back({t, v});
    if (i == n / 2) out.push_back({t + 1, stale_marker()});
  }
  return out;
}

struct raw_answer {
  uint64_t count = 0;
  double sum = 0, min = INFINITY, max = -INFINITY, last = NAN, increase = 0;
};

// The raw computation over (from, to]: every sample in the range, and the
// counter steps into each of them from its predecessor.
raw_answer raw_over(const std::vector<sample>& s, timestamp from, timestamp to) {
  raw_answer a;
  std::optional<double> prev;
  for (const auto& x : s) {
    if (is_stale_marker(x.v)) continue;
    if (x.t > from && x.t <= to) {
      ++a.count;
      a.sum += x.v;
      a.min = std::min(a.min, x.v);
      a.max = std::max(a.max, x.v);
      a.last = x.v;
      if (prev) a.increase += *prev <= x.v ? x.v - *prev : x.v;
    }
    prev = x.v;
  }
  return a;
}

raw_answer rolled_over(const std::vector<point>& pts, timestamp from, timestamp to) {
  raw_answer a;
  for (const auto& p : pts) {
    if (p.t <= from || p.t > to) continue;
    a.count += p.count;
    a.sum += p.sum;
    a.min = std::min(a.min, p.min);
    a.max = std::max(a.max, p.max);
    a.last = p.last;
    a.increase += p.increase;
  }
  return a;
}

void check_equal(const raw_answer& raw, const raw_answer& rolled) {
  auto rel = [](double a, double b) {
    return a == b ? 0.0 : std::abs(a - b) / std::max(std::abs(a), std::abs(b));
  };
  CHECK(raw.count == rolled.count);
  CHECK(rel(raw.sum, rolled.sum) <= 1e-9);
  CHECK(raw.min == rolled.min);
  CHECK(raw.max == rolled.max);
  CHECK(raw.last == rolled.last);
  CHECK(rel(raw.increase, rolled.increase) <= 1e-9);
  if (raw.count) CHECK(rel(raw.sum / raw.count, rolled.sum / rolled.count) <= 1e-9);
}

}  // namespace

TEST_CASE("windows are labelled by their end and left-open", "[rollup]") {
  CHECK(window_end(60000, 1min) == 60000);
  CHECK(window_end(60001, 1min) == 120000);
  CHECK(window_end(1, 1min) == 60000);
  CHECK(window_end(0, 1min) == 0);
  CHECK(window_end(-1, 1min) == 0);
  CHECK(window_end(-60001, 1min) == -60000);
}

TEST_CASE("rolled-up answers equal the raw computation at that resolution", "[rollup]") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    auto raw = counter_series(seed, 6 * 240);  // six hours
    auto minutes = aggregate(raw, 1min);
    auto hours = coarsen(minutes, 1h);
    REQUIRE(hours == coarsen(aggregate(raw, 1min), 1h));
    const timestamp start = window_end(raw.front().t, 1h);
    for (duration range : {duration{5min}, duration{1h}, duration{3h}}) {
      for (timestamp to = start + 3600000; to + 0 <= raw.back().t; to += 3600000) {
        const timestamp from = to - range.count();
        INFO("seed " << seed << " range " << range.count() << "ms to " << to);
        check_equal(raw_over(raw, from, to), rolled_over(minutes, from, to));
        if (range >= 1h) check_equal(raw_over(raw, from, to), rolled_over(hours, from, to));
      }
    }
  }
}

TEST_CASE("the first window's increase starts from the sample before it", "[rollup]") {
  std::vector<sample> s{{61000, 10}, {75000, 4}, {90000, 9}};
  auto without = aggregate(s, 1min);
  CHECK(without.front().increase == 4 + 5);
  auto with = aggregate(s, 1min, sample{59000, 8});
  CHECK(with.front().increase == 2 + 4 + 5);
  CHECK(with.front().count == 3);
  CHECK(with.front().last_t == 90000);
}

TEST_CASE("rollup blocks round-trip and reject damage", "[rollup]") {
  auto pts = aggregate(counter_series(9, 500), 1min);
  auto block = encode_points(pts);
  auto back = decode_points(block);
  REQUIRE(back);
  CHECK(*back == pts);
  // Far fewer bytes than the 7 doubles a point holds.
  CHECK(block.size() < pts.size() * 7 * 8 / 2);
  for (size_t cut : {size_t{0}, size_t{3}, block.size() / 2, block.size() - 1}) {
    INFO("cut at " << cut);
    CHECK_FALSE(decode_points(std::span{block}.first(cut)));
  }
}
