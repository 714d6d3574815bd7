// The range-query result cache: answers equal evaluation over moving,
// growing and jumping windows; the newest steps are evaluated afresh while
// data arrives; older writes drop what they touch, even mid-query; memory
// stays bounded; queries that look outside their steps are not cached.

#include "rules/promql/range_cache.hpp"

#include <catch2/catch.hpp>
#include <random>

#include "tests/rules/promql/test_util.hpp"

using namespace vigil;
using namespace vigil::promql;
using namespace std::chrono_literals;

namespace {

constexpr int64_t minute = 60'000;
constexpr duration step = 15s;
constexpr int64_t step_ms = 15'000;

labels ls(std::vector<label> pairs) {
  return *labels::from(std::move(pairs));
}

expr_ptr parsed(std::string_view query) {
  auto r = parse_expr(query, test::everything);
  REQUIRE(r.ok());
  return std::move(*r.value);
}

// Counters and gauges sampled every 15 s over two hours; one series starts
// late, one stops early (with a staleness marker), as targets come and go.
void load_two_hours(memory_queryable& q) {
  for (int job = 0; job < 3; ++job) {
    for (int inst = 0; inst < 4; ++inst) {
      const auto labels_of = [&](const char* name) {
        return ls({{"__name__", name},
                   {"job", "j" + std::to_string(job)},
                   {"instance", "i" + std::to_string(inst)}});
      };
      std::vector<sample> counter, gauge;
      const int64_t begin = (job == 2 && inst == 3) ? 40 * minute : 0;
      const int64_t stop = (job == 1 && inst == 0) ? 70 * minute : 120 * minute;
      for (int64_t t = begin; t <= stop; t += step_ms) {
        counter.push_back({t, static_cast<double>(t / 1000 * (inst + 1) % 5000)});
        gauge.push_back({t, static_cast<double>((t / step_ms * 7 + job * 13 + inst) % 23)});
      }
      if (stop < 120 * minute) gauge.push_back({stop + step_ms, stale_marker()});
      q.add(labels_of("c"), counter);
      q.add(labels_of("g"), gauge);
    }
  }
}

void require_same(const expected<matrix_value>& got, const expected<matrix_value>& want) {
  REQUIRE(got.has_value() == want.has_value());
  if (!want) return;
  REQUIRE(got->size() == want->size());
  for (size_t i = 0; i < want->size(); ++i) {
    CHECK((*got)[i].metric == (*want)[i].metric);
    REQUIRE((*got)[i].points.size() == (*want)[i].points.size());
    for (size_t j = 0; j < (*want)[i].points.size(); ++j) {
      CHECK((*got)[i].points[j].t == (*want)[i].points[j].t);
      const double a = (*got)[i].points[j].v, b = (*want)[i].points[j].v;
      CHECK(((a == b) || (std::isnan(a) && std::isnan(b))));
    }
  }
}

struct fixture {
  memory_queryable data;
  engine eng;
  metrics::registry registry;
  range_cache cache{{.max_bytes = 64 << 20, .freshness = 5min}, &registry};

  fixture() { load_two_hours(data); }

  // The cached answer, checked against plain evaluation.
  matrix_value ask(std::string_view query, timestamp start, timestamp end, timestamp now) {
    auto e = parsed(query);
    auto got = cache.eval_range(eng, data, *e, start, end, step, now);
    require_same(got, eng.eval_range(data, *e, start, end, step));
    return got ? *got : matrix_value{};
  }
};

}  // namespace

TEST_CASE("cached range queries answer what evaluation does over moving windows",
          "[promql][range_cache]") {
  fixture f;
  const char* queries[] = {
      "rate(c[5m])",
      "sum by (job) (rate(c[5m]))",
      "g",
      "max_over_time(g[10m:1m])",
      "topk(2, g)",
      "count_values(\"v\", g)",
      "absent(nothing)",
      "time()",
      "g > bool 11",
  };
  // A dashboard refreshing every 15 s, then one zoomed out and one that
  // jumps back in time, at an unaligned phase too.
  for (const char* query : queries) {
    INFO(query);
    for (int64_t phase : {int64_t{0}, int64_t{4'000}}) {
      for (int64_t now = 60 * minute; now <= 90 * minute; now += step_ms)
        f.ask(query, now - 30 * minute + phase, now + phase, now);
      f.ask(query, 10 * minute + phase, 100 * minute + phase, 100 * minute);
      f.ask(query, 15 * minute + phase, 40 * minute + phase, 100 * minute);
      f.ask(query, 5 * minute + phase, 20 * minute + phase, 100 * minute);
    }
  }
  const auto n = f.cache.read();
  CHECK(n.partial > 0);
  CHECK(n.hits > 0);
  CHECK(n.misses > 0);
  CHECK(n.uncacheable == 0);
}

TEST_CASE("random windows over one entry answer what evaluation does", "[promql][range_cache]") {
  fixture f;
  std::mt19937_64 rng{7};
  std::uniform_int_distribution<int64_t> step_index{0, 120 * minute / step_ms};
  for (int i = 0; i < 200; ++i) {
    int64_t a = step_index(rng) * step_ms, b = step_index(rng) * step_ms;
    if (a > b) std::swap(a, b);
    f.ask("sum by (job) (rate(c[2m]))", a, b, 130 * minute);
  }
  CHECK(f.cache.read().hits > 0);
  CHECK(f.cache.read().entries == 1);
}

TEST_CASE("an end between two steps is answered from the cache", "[promql][range_cache]") {
  fixture f;
  f.ask("sum by (job) (rate(c[5m]))", 0, 100 * minute + 7'000, 130 * minute);
  f.ask("sum by (job) (rate(c[5m]))", 0, 100 * minute + 7'000, 130 * minute);
  CHECK(f.cache.read().hits == 1);
  CHECK(f.cache.read().partial == 0);
}

TEST_CASE("the newest steps are evaluated afresh while data still arrives",
          "[promql][range_cache]") {
  memory_queryable data;
  engine eng;
  range_cache cache{{.freshness = 5min}};
  const auto m = ls({{"__name__", "m"}});
  // A sender lagging three minutes behind the clock.
  std::vector<sample> early;
  for (int64_t t = 0; t <= 57 * minute; t += step_ms) early.push_back({t, double(t)});
  data.add(m, early);
  auto e = parsed("m");
  const timestamp now = 60 * minute;
  auto first = cache.eval_range(eng, data, *e, now - 30 * minute, now, step, now);
  REQUIRE(first);
  std::vector<sample> late;
  for (int64_t t = 57 * minute + step_ms; t <= 60 * minute; t += step_ms)
    late.push_back({t, -double(t)});
  data.add(m, late);
  auto second = cache.eval_range(eng, data, *e, now - 30 * minute, now, step, now);
  require_same(second, eng.eval_range(data, *e, now - 30 * minute, now, step));
  CHECK(second->front().points.back().v == -double(now));
  CHECK(cache.read().partial == 1);  // steps up to now - 5m came from the cache
}

TEST_CASE("a write older than the freshness window drops the entries it touches",
          "[promql][range_cache]") {
  fixture f;
  const timestamp now = 130 * minute;
  f.ask("sum(g)", 60 * minute, 120 * minute, now);
  f.ask("sum(c)", 0, 30 * minute, now);
  CHECK(f.cache.read().entries == 2);

  // Backfill of a series into the past: the entry ending at 120m is
  // touched, the one ending at 30m is not.
  f.data.add(ls({{"__name__", "g"}, {"job", "backfilled"}}),
             std::vector<sample>{{100 * minute, 1000}});
  f.cache.note_write(100 * minute, now);
  CHECK(f.cache.read().invalidations == 1);
  CHECK(f.cache.read().entries == 1);
  auto sum = f.ask("sum(g)", 60 * minute, 120 * minute, now);  // evaluated again, checked
  CHECK(f.cache.read().misses == 3);
  f.ask("sum(c)", 0, 30 * minute, now);
  CHECK(f.cache.read().hits == 1);

  // Writes within the freshness window touch nothing.
  f.cache.note_write(now - 1 * minute, now);
  CHECK(f.cache.read().invalidations == 1);
}

namespace {

// Reports an old write while the query reads, as a shard might between
// the cache's lookup and its store.
class racing_queryable final : public queryable {
 public:
  racing_queryable(queryable& inner, range_cache& cache, timestamp now)
      : inner_(inner), cache_(cache), now_(now) {}
  expected<std::vector<stored_series>> select(std::span<const index::matcher> matchers,
                                              timestamp min_t, timestamp max_t,
                                              duration resolution) override {
    cache_.note_write(0, now_);
    return inner_.select(matchers, min_t, max_t, resolution);
  }

 private:
  queryable& inner_;
  range_cache& cache_;
  timestamp now_;
};

}  // namespace

TEST_CASE("a query that read before an old write does not keep what it read",
          "[promql][range_cache]") {
  fixture f;
  const timestamp now = 130 * minute;
  racing_queryable racing{f.data, f.cache, now};
  auto e = parsed("sum(g)");
  REQUIRE(f.cache.eval_range(f.eng, racing, *e, 0, 60 * minute, step, now));
  CHECK(f.cache.read().entries == 0);
  f.ask("sum(g)", 0, 60 * minute, now);
  CHECK(f.cache.read().misses == 2);
}

TEST_CASE("the cache stays within its memory bound, least recently used out first",
          "[promql][range_cache]") {
  memory_queryable data;
  load_two_hours(data);
  engine eng;
  constexpr size_t bound = 2 << 20;  // about ten entries
  range_cache cache{{.max_bytes = bound, .freshness = 5min}};
  const timestamp now = 130 * minute;
  for (int i = 0; i < 40; ++i) {
    auto e = parsed("g + " + std::to_string(i));
    REQUIRE(cache.eval_range(eng, data, *e, 0, 120 * minute, step, now));
    CHECK(cache.read().bytes <= bound);
  }
  const auto n = cache.read();
  CHECK(n.evictions > 0);
  CHECK(n.entries + n.evictions == 40);
  auto newest = parsed("g + 39");
  REQUIRE(cache.eval_range(eng, data, *newest, 0, 120 * minute, step, now));
  CHECK(cache.read().hits == 1);
  auto oldest = parsed("g + 0");
  REQUIRE(cache.eval_range(eng, data, *oldest, 0, 120 * minute, step, now));
  CHECK(cache.read().misses == 41);

  // An entry over an eighth of the bound is not kept at all.
  range_cache tiny{{.max_bytes = 8 << 10, .freshness = 5min}};
  REQUIRE(tiny.eval_range(eng, data, *newest, 0, 120 * minute, step, now));
  CHECK(tiny.read().entries == 0);
  CHECK(tiny.read().bytes == 0);
}

TEST_CASE("queries that look outside their steps are not cached", "[promql][range_cache]") {
  fixture f;
  for (const char* query :
       {"g @ 600", "g @ end()", "g offset -5m", "max_over_time(g[5m:] @ start())",
        "rate(c[5m] offset (1m + 1m))", "topk(scalar(sum(g)), g)"}) {
    INFO(query);
    CHECK_FALSE(cacheable(*parsed(query)));
    f.ask(query, 30 * minute, 60 * minute, 130 * minute);
  }
  CHECK(cacheable(*parsed("rate(c[5m] offset 5m) + on(job) group_left sum by (job) (g)")));
  CHECK(cacheable(*parsed("topk(3, g) or quantile(scalar(sum(g)), g)")));
  const auto n = f.cache.read();
  CHECK(n.uncacheable == 6);
  CHECK(n.entries == 0);

  range_cache off{{.max_bytes = 0}};
  auto e = parsed("g");
  REQUIRE(off.eval_range(f.eng, f.data, *e, 0, 60 * minute, step, 130 * minute));
  CHECK(off.read().uncacheable == 1);
}

TEST_CASE("the cache's counters are vigil_query_cache_* series", "[promql][range_cache]") {
  fixture f;
  f.ask("g", 0, 60 * minute, 130 * minute);
  f.ask("g", 0, 60 * minute, 130 * minute);
  const auto text = f.registry.render();
  CHECK_THAT(text, Catch::Contains("vigil_query_cache_requests_total{result=\"hit\"} 1"));
  CHECK_THAT(text, Catch::Contains("vigil_query_cache_requests_total{result=\"miss\"} 1"));
  CHECK_THAT(text, Catch::Contains("vigil_query_cache_entries 1"));
  CHECK_THAT(text, Catch::Contains("vigil_query_cache_bytes "));
}
