// Rollups and retention of a shard, with time injected.

#include <catch2/catch.hpp>
#include <cmath>

#include "storage/chunk/codec.hpp"
#include "storage/rollup/rollup.hpp"
#include "storage/shard/shard_engine.hpp"
#include "tests/support/temp_dir.hpp"

using namespace vigil;
using namespace std::chrono_literals;

namespace {

constexpr timestamp day = 24 * 3600 * 1000;
constexpr timestamp start = 1'700'000'000'000 - 1'700'000'000'000 % day;

labels series(const char* name) {
  return *labels::from({{"__name__", name}, {"job", "j"}});
}

// Three days of a counter with resets, scraped every 15 s with jitter.
std::vector<sample> counter_days(int days) {
  std::vector<sample> out;
  double v = 0;
  for (timestamp t = start + 15000; t < start + days * day; t += 15000) {
    v = (t / 15000) % 5000 == 0 ? 3 : v + static_cast<double>((t / 15000) % 13);
    out.push_back({t + (t / 15000) % 7, v});
  }
  return out;
}

struct fixture {
  test::temp_dir dir;
  std::unique_ptr<shard_engine> engine;
  std::vector<sample> raw = counter_days(3);

  explicit fixture(shard_options opts = {}) {
    opts.dir = dir / "shard";
    opts.wal.sync = wal::sync_mode::never;
    auto e = shard_engine::open(posix_file_system(), std::move(opts));
    REQUIRE(e);
    engine = std::move(*e);
    for (const char* name : {"c", "debug_c"}) {
      auto r = engine->write(std::vector<series_write>{{series(name), {raw.begin(), raw.end()}}});
      REQUIRE(r);
      REQUIRE(r->accepted == raw.size());
    }
    REQUIRE_FALSE(engine->flush());
  }

  std::vector<rollup::point> points(const char* name, tier t) {
    auto ref = engine->memory().find(series(name));
    REQUIRE(ref);
    auto blocks = engine->persisted().chunks(*ref, t, INT64_MIN, INT64_MAX);
    REQUIRE(blocks);
    std::vector<rollup::point> out;
    for (const auto& b : *blocks) {
      auto p = rollup::decode_points(b.data);
      REQUIRE(p);
      out.insert(out.end(), p->begin(), p->end());
    }
    return out;
  }

  size_t raw_blocks(const char* name) {
    auto ref = engine->memory().find(series(name));
    return engine->persisted().chunks(*ref, raw_tier, INT64_MIN, INT64_MAX)->size();
  }
};

double increase_raw(const std::vector<sample>& s, timestamp from, timestamp to) {
  double inc = 0;
  for (size_t i = 1; i < s.size(); ++i)
    if (s[i].t > from && s[i].t <= to) inc += s[i].v >= s[i - 1].v ? s[i].v - s[i - 1].v : s[i].v;
  return inc;
}

}  // namespace

TEST_CASE("maintenance rolls raw data up into minutes and hours matching raw answers",
          "[shard][rollup]") {
  fixture f;
  const timestamp now = start + 3 * day + 4 * 3600 * 1000;
  auto report = f.engine->maintain(now);
  REQUIRE(report);
  auto minutes = f.points("c", minute_tier);
  auto hours = f.points("c", hour_tier);
  CHECK(report->points_1m == 2 * minutes.size());
  CHECK(minutes.size() == 3 * 24 * 60);
  CHECK(hours.size() == 3 * 24);
  // Every hour point equals the raw computation over its window.
  for (const auto& h : hours) {
    const timestamp from = h.t - 3600 * 1000;
    double sum = 0, mx = -INFINITY;
    uint64_t count = 0;
    for (const auto& s : f.raw)
      if (s.t > from && s.t <= h.t) sum += s.v, mx = std::max(mx, s.v), ++count;
    INFO("hour ending " << h.t);
    CHECK(h.count == count);
    CHECK(std::abs(h.sum - sum) <= 1e-9 * std::abs(sum));
    CHECK(h.max == mx);
    const double inc = increase_raw(f.raw, from, h.t);
    CHECK(std::abs(h.increase - inc) <= 1e-9 * std::max(1.0, std::abs(inc)));
  }
  // A second pass (or one redone after a crash) adds nothing.
  auto again = f.engine->maintain(now);
  REQUIRE(again);
  CHECK(again->points_1m == 0);
  CHECK(f.points("c", minute_tier) == minutes);
  REQUIRE_FALSE(f.engine->persisted().set_meta("rolled_up_through.1", std::to_string(start)));
  REQUIRE_FALSE(f.engine->persisted().set_meta("rolled_up_through.2", std::to_string(start)));
  REQUIRE(f.engine->maintain(now));
  CHECK(f.points("c", minute_tier) == minutes);
  CHECK(f.points("c", hour_tier) == hours);
}

TEST_CASE("retention deletes expired tiers and per-metric rules win", "[shard][retention]") {
  shard_options opts;
  opts.retention = {.raw = 48h, .rollup_1m = 72h, .rollup_1h = 365 * 24h};
  opts.retention_rules.push_back(
      {{*index::matcher::make(index::match_op::regex, "__name__", "debug_.*")},
       {.raw = 24h, .rollup_1m = 24h, .rollup_1h = 48h}});
  fixture f{opts};
  const size_t before = f.raw_blocks("c");
  const timestamp now = start + 4 * day;
  auto report = f.engine->maintain(now);
  REQUIRE(report);
  CHECK(report->blocks_deleted > 0);
  // Default: raw older than 48 h is gone; minute rollups all stay (72 h).
  CHECK(f.raw_blocks("c") < before);
  auto ref = f.engine->memory().find(series("c"));
  auto raw_left =
      f.engine->persisted().chunks(*ref, raw_tier, INT64_MIN, now - 48 * 3600 * 1000 - 1);
  for (const auto& b : *raw_left) CHECK(b.max_t >= now - 48 * 3600 * 1000);
  CHECK(f.points("c", minute_tier).front().t <= start + 60000);
  // The rule: raw and minutes older than 24 h and hours older than 48 h go.
  CHECK(f.raw_blocks("debug_c") == 0);
  // Rollups go a block (a day of minutes, a week of hours) at a time.
  for (const auto& p : f.points("debug_c", minute_tier)) CHECK(p.t > now - 2 * day);
  auto debug_ref = f.engine->memory().find(series("debug_c"));
  auto hour_blocks = f.engine->persisted().chunks(*debug_ref, hour_tier, INT64_MIN, INT64_MAX);
  REQUIRE_FALSE(hour_blocks->empty());
  for (const auto& b : *hour_blocks) CHECK(b.max_t >= now - 2 * day);
  CHECK(f.points("c", hour_tier).front().t <= start + 3600 * 1000);
}

TEST_CASE("raw data is kept until it is rolled up", "[shard][retention]") {
  shard_options opts;
  opts.retention.raw = 1h;
  opts.rollup_delay = 10 * 24h;  // rollups lag far behind
  fixture f{opts};
  const size_t before = f.raw_blocks("c");
  REQUIRE(f.engine->maintain(start + 4 * day));
  CHECK(f.raw_blocks("c") == before);
}

TEST_CASE("maintenance checkpoints the WAL every interval", "[shard]") {
  fixture f;
  REQUIRE(f.engine->write(std::vector<series_write>{{series("c"), {{start + 3 * day + 1000, 1}}}}));
  const auto before = f.engine->persisted().usage()->at(0).samples;
  REQUIRE(f.engine->maintain(start + 3 * day + 2000));  // first pass: starts the clock
  CHECK(f.engine->persisted().usage()->at(0).samples == before);
  REQUIRE(f.engine->maintain(start + 3 * day + 3600 * 1000 + 2000));  // an hour later: flushes
  CHECK(f.engine->persisted().usage()->at(0).samples == before + 1);
}

namespace {

// Samples a selection stands for, over every tier: (count, sum).
std::pair<uint64_t, double> totals(const series_data& d) {
  uint64_t count = d.samples.size();
  double sum = 0;
  for (const auto& s : d.samples) sum += s.v;
  for (const auto* points : {&d.minutes, &d.hours})
    for (const auto& p : *points) count += p.count, sum += p.sum;
  return {count, sum};
}

series_data select_one(shard_engine& e, const char* name, duration resolution = duration{0}) {
  const std::vector<index::matcher> m{
      *index::matcher::make(index::match_op::equal, "__name__", name)};
  auto got = e.select(m, INT64_MIN, INT64_MAX, resolution);
  REQUIRE(got);
  REQUIRE(got->size() == 1);
  return std::move(got->front());
}

}  // namespace

TEST_CASE("a selection reads each stretch of time from the finest tier that still holds it",
          "[shard][retention]") {
  shard_options opts;
  opts.retention = {.raw = 48h, .rollup_1m = 72h, .rollup_1h = 365 * 24h};
  opts.retention_rules.push_back(
      {{*index::matcher::make(index::match_op::regex, "__name__", "debug_.*")},
       {.raw = 24h, .rollup_1m = 24h, .rollup_1h = 48h}});
  fixture f{opts};
  const timestamp now = start + 4 * day;
  REQUIRE(f.engine->maintain(now));

  // Default retention: hours up to 72 h ago, minutes up to 48 h ago, raw since.
  auto c = select_one(*f.engine, "c");
  REQUIRE_FALSE(c.hours.empty());
  REQUIRE_FALSE(c.minutes.empty());
  REQUIRE_FALSE(c.samples.empty());
  CHECK(c.hours.back().t == now - 72 * 3600 * 1000);
  CHECK(c.minutes.front().t == c.hours.back().t + 60000);
  CHECK(c.minutes.back().t == now - 48 * 3600 * 1000);
  CHECK(c.samples.front().t > c.minutes.back().t);
  // Nothing lost or counted twice across the tiers.
  double raw_sum = 0;
  for (const auto& s : f.raw) raw_sum += s.v;
  auto [count, sum] = totals(c);
  CHECK(count == f.raw.size());
  CHECK(std::abs(sum - raw_sum) <= 1e-9 * raw_sum);

  // The rule's series keeps only hour points (of the last 48 h, by block).
  auto debug = select_one(*f.engine, "debug_c");
  CHECK(debug.samples.empty());
  CHECK(debug.minutes.empty());
  REQUIRE_FALSE(debug.hours.empty());
  const timestamp covered_from = debug.hours.front().t - 3600 * 1000;
  const auto kept = std::count_if(f.raw.begin(), f.raw.end(),
                                  [&](const sample& s) { return s.t > covered_from; });
  CHECK(totals(debug).first == static_cast<uint64_t>(kept));
}

TEST_CASE("a coarse reader gets rollups wherever they are built, raw data after",
          "[shard][rollup]") {
  fixture f;
  const timestamp now = start + 3 * day + 4 * 3600 * 1000;
  REQUIRE(f.engine->maintain(now));
  // Appended after the rollups: newer than every watermark.
  REQUIRE(f.engine->write(std::vector<series_write>{{series("c"), {{now, 1e6}}}}));

  CHECK(select_one(*f.engine, "c").hours.empty());  // raw still exists: raw wins
  auto hourly = select_one(*f.engine, "c", 1h);
  CHECK(hourly.hours.size() == 3 * 24);
  CHECK(hourly.minutes.empty());
  CHECK(hourly.samples == std::vector<sample>{{now, 1e6}});
  auto minutely = select_one(*f.engine, "c", 5min);
  CHECK(minutely.hours.empty());
  CHECK(minutely.minutes.size() == 3 * 24 * 60);
  CHECK(totals(minutely).first == f.raw.size() + 1);
}

TEST_CASE("label names and values count only series with data in the range", "[shard]") {
  fixture f;  // "c" and "debug_c" over three days, persisted
  const timestamp later = start + 10 * day;
  REQUIRE(f.engine->write(std::vector<series_write>{
      {*labels::from({{"__name__", "late"}, {"zone", "z1"}}), {{later, 1}}}}));
  const std::vector<index::matcher> any;
  CHECK(*f.engine->label_names(any, later, later) == std::vector<std::string>{"__name__", "zone"});
  CHECK(*f.engine->label_names(any, start, start + day) ==
        std::vector<std::string>{"__name__", "job"});
  CHECK(*f.engine->label_values("__name__", any, INT64_MIN, INT64_MAX) ==
        std::vector<std::string>{"c", "debug_c", "late"});
  const std::vector<index::matcher> job{*index::matcher::make(index::match_op::equal, "job", "j")};
  CHECK(*f.engine->label_values("__name__", job, start, start + day) ==
        std::vector<std::string>{"c", "debug_c"});
  CHECK(f.engine->label_values("zone", any, start, start + day)->empty());
  CHECK(*f.engine->series(any, later, later) ==
        std::vector<labels>{*labels::from({{"__name__", "late"}, {"zone", "z1"}})});
  CHECK(f.engine->series(job, start, start + day)->size() == 2);
}

TEST_CASE("maintenance merges final raw blocks per window, keeping every sample once",
          "[shard][compaction]") {
  fixture f;
  const size_t before = f.raw_blocks("c");
  REQUIRE(before >= f.raw.size() / 120);
  const timestamp now = start + 3 * day + 4 * 3600 * 1000;
  auto report = f.engine->maintain(now);
  REQUIRE(report);
  CHECK(report->blocks_merged >= 2 * before);  // and rollup blocks
  CHECK(f.raw_blocks("c") == 3 * 4);           // one per 6 h window
  CHECK(select_one(*f.engine, "c").samples == f.raw);
  // A redone pass (the watermark lost in a crash) finds nothing to merge.
  REQUIRE_FALSE(f.engine->persisted().set_meta("compacted_through.0", std::to_string(start)));
  report = f.engine->maintain(now);
  REQUIRE(report);
  CHECK(report->blocks_merged == 0);
  CHECK(select_one(*f.engine, "c").samples == f.raw);
}

TEST_CASE("maintenance re-encodes a window's lone block kept as its head chunk",
          "[shard][compaction]") {
  test::temp_dir dir;
  shard_options opts;
  opts.dir = dir / "shard";
  opts.wal.sync = wal::sync_mode::never;
  auto opened = shard_engine::open(posix_file_system(), opts);
  REQUIRE(opened);
  auto& engine = *opened;
  std::vector<sample> samples;
  for (int i = 0; i < 100; ++i) samples.push_back({start + 3600'000 + i * 15000, i * 2.0});
  REQUIRE(engine->write(std::vector<series_write>{{series("lone"), {samples.begin(), samples.end()}}}));
  REQUIRE_FALSE(engine->flush());
  const auto ref = *engine->memory().find(series("lone"));
  auto blocks = [&] { return *engine->persisted().chunks(ref, raw_tier, INT64_MIN, INT64_MAX); };
  REQUIRE(blocks().size() == 1);
  const auto verbatim = blocks()[0].data;
  CHECK(needs_reencoding(verbatim));
  REQUIRE(engine->maintain(start + day));
  REQUIRE(blocks().size() == 1);
  CHECK_FALSE(needs_reencoding(blocks()[0].data));
  CHECK(blocks()[0].data.size() < verbatim.size());
  CHECK(select_one(*engine, "lone").samples == samples);
}
