// Core semantics of the PromQL engine over an in-memory queryable: the
// lookback window, staleness markers, left-open range windows, rate()'s
// extrapolation, offset/@, vector matching and its errors, delayed name
// removal, and range queries stitching steps into series; and the
// adapter reading from a real shard.

#include "rules/promql/engine.hpp"

#include <catch2/catch.hpp>
#include <chrono>

#include "rules/promql/parser.hpp"
#include "storage/base/file_system.hpp"
#include "storage/shard/shard_engine.hpp"
#include "tests/support/temp_dir.hpp"

using namespace vigil;
using namespace vigil::promql;
using namespace std::chrono_literals;

namespace {

labels ls(std::vector<label> pairs) {
  return *labels::from(std::move(pairs));
}

struct fixture {
  memory_queryable data;
  engine eng;

  expected<value> instant(std::string_view query, timestamp t) {
    auto parsed = parse_expr(query, parse_options::all_enabled());
    REQUIRE(parsed.ok());
    return eng.eval_instant(data, **parsed.value, t);
  }
  // The single element's value of an instant vector result.
  double one(std::string_view query, timestamp t) {
    auto v = instant(query, t);
    REQUIRE(v.has_value());
    const auto& vec = std::get<vector_value>(*v);
    REQUIRE(vec.size() == 1);
    return vec[0].v;
  }
  size_t count(std::string_view query, timestamp t) {
    auto v = instant(query, t);
    REQUIRE(v.has_value());
    return std::get<vector_value>(*v).size();
  }
};

}  // namespace

TEST_CASE("a selector takes the newest sample within the lookback delta", "[promql][engine]") {
  fixture f;
  std::vector<sample> s{{0, 1}, {60'000, 2}};
  f.data.add(ls({{"__name__", "m"}}), s);
  CHECK(f.one("m", 0) == 1);
  CHECK(f.one("m", 59'999) == 1);
  CHECK(f.one("m", 60'000) == 2);
  CHECK(f.one("m", 360'000 - 1) == 2);
  CHECK(f.count("m", 360'000) == 0);  // (t - 5m, t] is left-open
  CHECK(f.count("m", -1) == 0);
}

TEST_CASE("a staleness marker ends a series until the next sample", "[promql][engine]") {
  fixture f;
  std::vector<sample> s{{0, 1}, {60'000, stale_marker()}, {180'000, 3}};
  f.data.add(ls({{"__name__", "m"}}), s);
  CHECK(f.one("m", 30'000) == 1);
  CHECK(f.count("m", 60'000) == 0);
  CHECK(f.count("m", 120'000) == 0);
  CHECK(f.one("m", 180'000) == 3);
  CHECK(f.one("count_over_time(m[10m])", 180'000) == 2);  // markers are not points
}

TEST_CASE("range selectors, offset and @ cover left-open windows", "[promql][engine]") {
  fixture f;
  std::vector<sample> s{{0, 0}, {60'000, 1}, {120'000, 2}, {180'000, 3}};
  f.data.add(ls({{"__name__", "m"}}), s);
  CHECK(f.one("count_over_time(m[1m])", 120'000) == 1);  // (60s, 120s]
  CHECK(f.one("count_over_time(m[2m])", 120'000) == 2);
  CHECK(f.one("m offset 1m", 180'000) == 2);
  CHECK(f.one("m @ 60", 1'000'000) == 1);
  CHECK(f.one("sum_over_time(m[2m] @ 180)", 0) == 5);
  auto matrix = f.instant("m[2m]", 180'000);
  REQUIRE(matrix.has_value());
  const auto& series = std::get<matrix_value>(*matrix);
  REQUIRE(series.size() == 1);
  CHECK(series[0].points == std::vector<sample>{{120'000, 2}, {180'000, 3}});
}

TEST_CASE("rate extrapolates towards the window's edges", "[promql][engine]") {
  fixture f;
  // A counter rising by 10 every minute from t=0 with a reset at 4m.
  std::vector<sample> s{{0, 0}, {60'000, 10}, {120'000, 20}, {180'000, 30}, {240'000, 5}};
  f.data.add(ls({{"__name__", "c"}}), s);
  // (0, 180s]: 3 points spanning 120s, extrapolated by 60s to the start of
  // the window (within 1.1 * the 60s average), not beyond the zero point.
  CHECK(f.one("increase(c[3m])", 180'000) == Approx(30));
  CHECK(f.one("rate(c[3m])", 180'000) == Approx(30.0 / 180));
  // The reset adds the value before it: 10 + 10 + 5 over 3m.
  CHECK(f.one("increase(c[4m] @ 240)", 0) == Approx((30 - 10 + 5) * 240.0 / 180));
  // Both edges within 1.1 intervals: extrapolate all the way, 20 * 180 / 120.
  CHECK(f.one("delta(c[3m])", 210'000) == Approx(30));
  // The series ends 180s before the window does: only half an interval.
  CHECK(f.one("delta(c[5m])", 420'000) == Approx(-25 * (60.0 + 60 + 30) / 60));
  CHECK(f.one("irate(c[3m])", 180'000) == Approx(10.0 / 60));
  CHECK(f.count("rate(c[1m])", 180'000) == 0);  // one point is not enough
}

TEST_CASE("binary operators match vectors by their labels", "[promql][engine]") {
  fixture f;
  std::vector<sample> one{{0, 10}}, two{{0, 20}}, total{{0, 100}};
  f.data.add(ls({{"__name__", "a"}, {"job", "x"}, {"i", "1"}}), one);
  f.data.add(ls({{"__name__", "a"}, {"job", "x"}, {"i", "2"}}), two);
  f.data.add(ls({{"__name__", "b"}, {"job", "x"}}), total);
  CHECK(f.one("a{i=\"1\"} + on(job) b", 0) == 110);
  CHECK(f.count("a / on(job) group_left b", 0) == 2);
  CHECK(f.count("a > bool 15", 0) == 2);
  CHECK(f.count("a > 15", 0) == 1);
  CHECK(f.count("a and on(job) b", 0) == 2);
  CHECK(f.count("a unless on(i) b", 0) == 2);
  auto many = f.instant("a + on(job) b", 0);
  REQUIRE_FALSE(many.has_value());
  CHECK(many.error_value().message ==
        "multiple matches for labels: many-to-one matching must be explicit "
        "(group_left/group_right)");
  auto dup = f.instant("b + on(job) a", 0);
  REQUIRE_FALSE(dup.has_value());
  CHECK(dup.error_value().message.starts_with("found duplicate series for the match group"));
}

TEST_CASE("names go after evaluation and must not collide", "[promql][engine]") {
  fixture f;
  std::vector<sample> s{{0, 1}};
  f.data.add(ls({{"__name__", "a"}, {"job", "x"}}), s);
  f.data.add(ls({{"__name__", "b"}, {"job", "x"}}), s);
  auto v = f.instant("a * 2", 0);
  REQUIRE(v.has_value());
  CHECK(std::get<vector_value>(*v)[0].metric == ls({{"job", "x"}}));
  auto clash = f.instant("{job=\"x\"} * 2", 0);
  REQUIRE_FALSE(clash.has_value());
  CHECK(clash.error_value().message == "vector cannot contain metrics with the same labelset");
  CHECK(f.count("sum by (__name__) ({job=\"x\"})", 0) == 2);
}

TEST_CASE("a range query evaluates every step", "[promql][engine]") {
  fixture f;
  std::vector<sample> s{{0, 1}, {60'000, 2}, {120'000, stale_marker()}};
  f.data.add(ls({{"__name__", "m"}}), s);
  auto parsed = parse_expr("m * 10");
  REQUIRE(parsed.ok());
  auto r = f.eng.eval_range(f.data, **parsed.value, 0, 180'000, 30s);
  REQUIRE(r.has_value());
  REQUIRE(r->size() == 1);
  CHECK(r->front().metric.empty());
  CHECK(r->front().points ==
        std::vector<sample>{{0, 10}, {30'000, 10}, {60'000, 20}, {90'000, 20}});
  auto matrix = parse_expr("m[1m]");
  REQUIRE(matrix.ok());
  CHECK_FALSE(f.eng.eval_range(f.data, **matrix.value, 0, 60'000, 30s).has_value());
}

TEST_CASE("the shard adapter serves the engine from a real shard", "[promql][engine]") {
  test::temp_dir dir;
  shard_options options;
  options.dir = dir / "shard";
  auto shard = shard_engine::open(posix_file_system(), options);
  REQUIRE(shard.has_value());
  std::vector<series_write> batch{
      {ls({{"__name__", "up"}, {"job", "a"}}), {{0, 1}, {60'000, 0}}},
      {ls({{"__name__", "up"}, {"job", "b"}}), {{0, 1}, {60'000, stale_marker()}}}};
  REQUIRE((*shard)->write(batch).has_value());
  shard_queryable q{**shard};
  engine eng;
  auto parsed = parse_expr("sum(up)");
  REQUIRE(parsed.ok());
  auto at_0 = eng.eval_instant(q, **parsed.value, 30'000);
  REQUIRE(at_0.has_value());
  CHECK(std::get<vector_value>(*at_0).front().v == 2);
  auto at_1m = eng.eval_instant(q, **parsed.value, 90'000);
  REQUIRE(at_1m.has_value());
  CHECK(std::get<vector_value>(*at_1m).front().v == 0);  // b went stale
}

TEST_CASE("queries past their sample, series or time limits fail with Prometheus's errors",
          "[promql][engine]") {
  fixture f;
  for (int i = 0; i < 3; ++i) {
    std::vector<sample> s;
    for (int k = 0; k < 10; ++k) s.push_back({k * 1000, double(k)});
    f.data.add(ls({{"__name__", "x"}, {"i", std::to_string(i)}}), s);
  }
  auto parsed = parse_expr("sum(x)");
  REQUIRE(parsed.ok());
  const auto& e = **parsed.value;
  auto run = [&](const query_limits& limits) {
    return f.eng.eval_range(f.data, e, 0, 9000, 1s, limits);
  };
  CHECK(run({.max_samples = 30, .max_series = 3, .expired = {}}).has_value());
  auto samples = run({.max_samples = 29, .max_series = 0, .expired = {}});
  REQUIRE_FALSE(samples);
  CHECK(samples.error_value().code == errc::limit_exceeded);
  CHECK(samples.error_value().message ==
        "query processing would load too many samples into memory in query execution");
  auto series = run({.max_samples = 0, .max_series = 2, .expired = {}});
  REQUIRE_FALSE(series);
  CHECK_THAT(series.error_value().message, Catch::Contains("too many series"));
  // The deadline is polled between steps: here it passes after three.
  int polls = 0;
  auto timed = run({.max_samples = 0, .max_series = 0, .expired = [&] { return ++polls > 4; }});
  REQUIRE_FALSE(timed);
  CHECK(timed.error_value().code == errc::timeout);
  CHECK(timed.error_value().message == "query timed out in expression evaluation");
}
