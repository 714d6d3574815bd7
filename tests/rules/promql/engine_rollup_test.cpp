// The engine over a real shard whose maintenance built rollups: range
// queries with a step of a minute or an hour read those tiers, data whose
// raw samples retention deleted is still answered, and the functions
// rollups answer from their aggregates match the raw computation.

#include <catch2/catch.hpp>
#include <cmath>

#include "rules/promql/engine.hpp"
#include "rules/promql/parser.hpp"
#include "storage/base/file_system.hpp"
#include "storage/shard/shard_engine.hpp"
#include "tests/support/temp_dir.hpp"

using namespace vigil;
using namespace vigil::promql;
using namespace std::chrono_literals;

namespace {

constexpr timestamp minute = 60'000;
constexpr timestamp hour = 60 * minute;
constexpr timestamp day = 24 * hour;
constexpr timestamp start = 1'700'000'000'000 - 1'700'000'000'000 % day;

labels series(const char* name) {
  return *labels::from({{"__name__", name}, {"job", "j"}});
}

// Two days scraped every 15 s with jitter: a counter with resets and a
// gauge with decimals.
std::vector<sample> two_days(bool counter) {
  std::vector<sample> out;
  double v = 0;
  for (timestamp t = start + 15000; t < start + 2 * day; t += 15000) {
    const int64_t i = t / 15000;
    if (counter)
      v = i % 5000 == 0 ? 3 : v + double(i % 13);
    else
      v = std::round(std::sin(double(i) / 40) * 1000) / 100;
    out.push_back({t + i % 7, v});
  }
  return out;
}

// Remembers the resolution of every select.
class recording_queryable final : public queryable {
 public:
  explicit recording_queryable(queryable& inner) : inner_(inner) {}
  expected<std::vector<stored_series>> select(std::span<const index::matcher> matchers,
                                              timestamp min_t, timestamp max_t,
                                              duration resolution) override {
    seen.push_back(resolution);
    return inner_.select(matchers, min_t, max_t, resolution);
  }
  std::vector<duration> seen;

 private:
  queryable& inner_;
};

// A shard holding both series, maintained at the end of the data with raw
// retention of a day: day one's raw samples are gone, its rollups stay,
// and minute points reach to three hours before the end.
struct fixture {
  test::temp_dir dir;
  std::unique_ptr<shard_engine> shard;
  memory_queryable raw;  // every raw sample, for the reference answers
  engine eng;

  fixture() {
    shard_options opts;
    opts.dir = dir / "shard";
    opts.wal.sync = wal::sync_mode::never;
    opts.retention.raw = 24h;
    auto e = shard_engine::open(posix_file_system(), std::move(opts));
    REQUIRE(e);
    shard = std::move(*e);
    for (const char* name : {"c_total", "g"}) {
      auto samples = two_days(name[0] == 'c');
      REQUIRE(shard->write(
          std::vector<series_write>{{series(name), {samples.begin(), samples.end()}}}));
      raw.add(series(name), samples);
    }
    REQUIRE_FALSE(shard->flush());
    REQUIRE(shard->maintain(start + 2 * day));
  }

  matrix_value range(queryable& q, std::string_view query, timestamp from, timestamp to,
                     duration step) {
    auto parsed = parse_expr(query);
    REQUIRE(parsed.ok());
    auto r = eng.eval_range(q, **parsed.value, from, to, step);
    REQUIRE(r);
    return std::move(*r);
  }
};

// The counter's actual increase over (from, to], from the sample before.
double true_increase(const std::vector<sample>& s, timestamp from, timestamp to) {
  double inc = 0;
  for (size_t i = 1; i < s.size(); ++i)
    if (s[i].t > from && s[i].t <= to) inc += s[i].v >= s[i - 1].v ? s[i].v - s[i - 1].v : s[i].v;
  return inc;
}

bool close(double a, double b) {
  return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
}

}  // namespace

TEST_CASE("range queries pick the rollup tier their step and ranges allow", "[promql][rollup]") {
  fixture f;
  shard_queryable shard{*f.shard};
  recording_queryable q{shard};
  auto resolution = [&](std::string_view query, duration step) {
    q.seen.clear();
    (void)f.range(q, query, start + day, start + day + 2 * hour, step);
    REQUIRE(q.seen.size() == 1);
    return q.seen.front();
  };
  CHECK(resolution("g", 15s) == 0ms);
  CHECK(resolution("g", 1min) == 1min);
  CHECK(resolution("sum_over_time(g[5m])", 5min) == 1min);
  CHECK(resolution("sum_over_time(g[1h])", 1h) == 1h);
  CHECK(resolution("sum_over_time(g[30m])", 1h) == 1min);
  CHECK(resolution("rate(c_total[30s])", 1min) == 0ms);
  CHECK(resolution("max_over_time(g[10m:10s])", 1min) == 0ms);
}

TEST_CASE("aggregates over minute rollups equal the raw answers, across the raw boundary",
          "[promql][rollup]") {
  fixture f;
  shard_queryable q{*f.shard};
  // Minute points up to three hours before the end, raw samples after.
  const timestamp from = start + 2 * day - 6 * hour, to = start + 2 * day - minute;
  for (const char* query :
       {"sum_over_time(g[5m])", "avg_over_time(g[5m])", "count_over_time(g[5m])",
        "min_over_time(g[5m])", "max_over_time(g[5m])", "last_over_time(g[5m])", "g"}) {
    INFO(query);
    auto got = f.range(q, query, from, to, 1min);
    auto want = f.range(f.raw, query, from, to, 1min);
    REQUIRE(got.size() == 1);
    REQUIRE(want.size() == 1);
    REQUIRE(got[0].points.size() == want[0].points.size());
    for (size_t i = 0; i < got[0].points.size(); ++i) {
      INFO("at " << got[0].points[i].t);
      CHECK(got[0].points[i].t == want[0].points[i].t);
      CHECK(close(got[0].points[i].v, want[0].points[i].v));
    }
  }
}

TEST_CASE("increase over rollups is the counter's actual increase, resets included",
          "[promql][rollup]") {
  fixture f;
  shard_queryable q{*f.shard};
  const auto counter = two_days(true);
  for (auto [step, range] : {std::pair<duration, const char*>{1min, "10m"},
                             std::pair<duration, const char*>{1h, "1h"}}) {
    const std::string query = std::string{"increase(c_total["} + range + "])";
    INFO(query);
    auto got = f.range(q, query, start + 2 * hour, start + day + 2 * hour, step);
    REQUIRE(got.size() == 1);
    const timestamp window = step == 1min ? 10 * minute : hour;
    for (const auto& p : got[0].points) {
      INFO("at " << p.t);
      CHECK(close(p.v, true_increase(counter, p.t - window, p.t)));
    }
  }
}

TEST_CASE("data whose raw samples are deleted is answered from the rollups", "[promql][rollup]") {
  fixture f;
  shard_queryable q{*f.shard};
  auto parsed = parse_expr("sum_over_time(g[1h])");
  REQUIRE(parsed.ok());
  const timestamp t = start + 6 * hour;
  auto got = f.eng.eval_instant(q, **parsed.value, t);
  REQUIRE(got);
  auto want = f.eng.eval_instant(f.raw, **parsed.value, t);
  REQUIRE(want);
  const auto& v = std::get<vector_value>(*got);
  REQUIRE(v.size() == 1);
  CHECK(close(v[0].v, std::get<vector_value>(*want)[0].v));
  // Before: the raw tier alone has nothing there.
  const std::vector<index::matcher> g{
      *index::matcher::make(index::match_op::equal, "__name__", "g")};
  auto selected = f.shard->select(g, t - hour, t);
  REQUIRE(selected);
  REQUIRE(selected->size() == 1);
  CHECK(selected->front().samples.empty());
}
