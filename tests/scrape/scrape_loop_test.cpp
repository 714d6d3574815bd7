#include "scrape/scrape_loop.hpp"

#include <catch2/catch.hpp>
#include <map>

#include "tests/support/temp_dir.hpp"

using namespace vigil;
using namespace vigil::scrape;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view text_format = "text/plain; version=0.0.4";

// A scrape loop writing into a real shard engine, as the router would.
struct fixture {
  test::temp_dir dir;
  std::unique_ptr<shard_engine> engine;
  scrape_loop loop;
  scrape_report report;
  std::vector<series_write> last;  // the last batch written

  explicit fixture(scrape_options opts = options()) : loop(std::move(opts)) {
    shard_options o;
    o.dir = dir / "shard";
    o.wal.sync = wal::sync_mode::never;
    engine = std::move(shard_engine::open(posix_file_system(), o).value());
  }

  static scrape_options options() {
    scrape_options o;
    o.target_labels = *labels::from({{"job", "node"}, {"instance", "h:9100"}});
    return o;
  }

  void write(std::vector<series_write> batch) {
    auto r = engine->write(batch);
    REQUIRE(r);
    loop.written(r->refs, r->issues);
    last = std::move(batch);
  }
  void scrape(std::string_view body, timestamp t, std::string_view type = text_format) {
    write(loop.scraped(body, type, t, 25ms, report));
  }

  // Every stored series by its printed labels, with its samples.
  std::map<std::string, std::vector<sample>> stored() {
    auto all = engine->select(std::vector<index::matcher>{}, min_time, max_time);
    REQUIRE(all);
    std::map<std::string, std::vector<sample>> out;
    for (auto& s : *all) out[s.ls.to_string()] = s.samples;
    return out;
  }
  std::vector<sample> samples(const std::string& series) { return stored()[series]; }
};

bool stale_at(const std::vector<sample>& s, timestamp t) {
  return !s.empty() && s.back().t == t && is_stale_marker(s.back().v);
}

const std::string up = R"(up{instance="h:9100", job="node"})";

}  // namespace

TEST_CASE("a scrape writes its series with the target's labels and the report series",
          "[scrape_loop]") {
  fixture f;
  f.scrape("# TYPE a counter\na_total 3\nb{x=\"1\"} 2.5\n", 1000);
  auto s = f.stored();
  CHECK(s[R"(a_total{instance="h:9100", job="node"})"] == std::vector<sample>{{1000, 3}});
  CHECK(s[R"(b{instance="h:9100", job="node", x="1"})"] == std::vector<sample>{{1000, 2.5}});
  CHECK(s[up] == std::vector<sample>{{1000, 1}});
  CHECK(s[R"(scrape_duration_seconds{instance="h:9100", job="node"})"] ==
        std::vector<sample>{{1000, 0.025}});
  CHECK(s[R"(scrape_samples_scraped{instance="h:9100", job="node"})"] ==
        std::vector<sample>{{1000, 2}});
  CHECK(s[R"(scrape_samples_post_metric_relabeling{instance="h:9100", job="node"})"] ==
        std::vector<sample>{{1000, 2}});
  CHECK(s[R"(scrape_series_added{instance="h:9100", job="node"})"] ==
        std::vector<sample>{{1000, 2}});
  CHECK(f.report.series_added == 2);
  CHECK_FALSE(f.report.failure);
}

TEST_CASE("a steady scrape writes every series by ref", "[scrape_loop]") {
  fixture f;
  f.scrape("a 1\nb 2\n", 1000);
  f.scrape("a 3\nb 4\n", 2000);
  for (const auto& w : f.last) {
    CHECK(w.ls.empty());
    CHECK(w.ref != series_write::no_ref);
  }
  CHECK(f.samples(R"(a{instance="h:9100", job="node"})") ==
        std::vector<sample>{{1000, 1}, {2000, 3}});
  CHECK(f.report.series_added == 0);
}

TEST_CASE("series that change places between scrapes keep their own data", "[scrape_loop]") {
  fixture f;
  f.scrape("a 1\nb 2\nc 3\n", 1000);
  // Reordered, one replaced in the middle, one new at the end.
  f.scrape("c 4\nd 5\na 6\nb 7\n", 2000);
  CHECK(f.report.series_added == 1);
  f.scrape("a 8\nb 9\n", 3000);  // after a failure the order hint starts over
  f.write(f.loop.failed(error{errc::unavailable, "connection refused"}, 4000, 1ms, f.report));
  f.scrape("b 10\na 11\n", 5000);
  CHECK(f.report.series_added == 0);
  auto s = f.stored();
  CHECK(s[R"(a{instance="h:9100", job="node"})"] ==
        std::vector<sample>{{1000, 1}, {2000, 6}, {3000, 8}, {4000, stale_marker()}, {5000, 11}});
  CHECK(s[R"(b{instance="h:9100", job="node"})"].back() == sample{5000, 10});
  CHECK(s[R"(c{instance="h:9100", job="node"})"] ==
        std::vector<sample>{{1000, 3}, {2000, 4}, {3000, stale_marker()}});
  CHECK(s[R"(d{instance="h:9100", job="node"})"].front() == sample{2000, 5});
}

TEST_CASE("the cache keeps the series of the last two scrapes", "[scrape_loop]") {
  fixture f;
  f.scrape("a 1\nb 2\n", 1000);
  f.scrape("a 1\n", 2000);
  CHECK(f.loop.cached_series() == 2);  // b, just gone stale, may come back
  f.scrape("a 1\n", 3000);
  CHECK(f.loop.cached_series() == 1);
  // A scrape that fails keeps none of the series it found first.
  f.scrape("a 1\nc 2\nbroken{ 3\n", 4000);
  REQUIRE(f.report.failure);
  CHECK(f.loop.cached_series() == 1);
  f.scrape("a 1\nc 2\n", 5000);
  CHECK(f.report.series_added == 1);
  CHECK(f.report.stale_markers == 0);  // a was marked by the failure
}

TEST_CASE("a series gone from the next scrape gets a stale marker at that scrape's time",
          "[scrape_loop]") {
  fixture f;
  f.scrape("a 1\nb 2\n", 1000);
  f.scrape("a 1\n", 2000);
  CHECK(f.report.stale_markers == 1);
  CHECK(stale_at(f.samples(R"(b{instance="h:9100", job="node"})"), 2000));
  CHECK_FALSE(stale_at(f.samples(R"(a{instance="h:9100", job="node"})"), 2000));
  // Once marked, it is not marked again; when it returns it is written anew.
  f.scrape("a 1\n", 3000);
  CHECK(f.report.stale_markers == 0);
  f.scrape("a 1\nb 5\n", 4000);
  CHECK(f.samples(R"(b{instance="h:9100", job="node"})").back() == sample{4000, 5});
}

TEST_CASE("a failed scrape marks every series stale and reports up 0", "[scrape_loop]") {
  fixture f;
  f.scrape("a 1\nb 2\n", 1000);
  f.write(f.loop.failed(error{errc::unavailable, "connection refused"}, 2000, 1ms, f.report));
  CHECK(f.report.stale_markers == 2);
  CHECK(stale_at(f.samples(R"(a{instance="h:9100", job="node"})"), 2000));
  CHECK(f.samples(up).back() == sample{2000, 0});
}

TEST_CASE("a body that does not parse writes nothing of itself", "[scrape_loop]") {
  fixture f;
  f.scrape("a 1\n", 1000);
  f.scrape("a 2\nnew_series 1\nbroken{ 3\n", 2000);
  REQUIRE(f.report.failure);
  CHECK_THAT(f.report.failure->message, Catch::Contains("line 3"));
  auto s = f.stored();
  CHECK(s.count(R"(new_series{instance="h:9100", job="node"})") == 0);
  CHECK(stale_at(s[R"(a{instance="h:9100", job="node"})"], 2000));
  CHECK(s[up].back() == sample{2000, 0});
}

TEST_CASE("sample_limit and label limits fail the scrape with Prometheus's messages",
          "[scrape_loop]") {
  SECTION("sample_limit") {
    auto o = fixture::options();
    o.sample_limit = 2;
    fixture f{o};
    f.scrape("a 1\nb 2\n", 1000);
    CHECK_FALSE(f.report.failure);
    f.scrape("a 1\nb 2\nc 3\n", 2000);
    REQUIRE(f.report.failure);
    CHECK(f.report.failure->message == "sample limit exceeded (limit 2)");
    CHECK(f.samples(up).back() == sample{2000, 0});
    CHECK(f.stored().count(R"(c{instance="h:9100", job="node"})") == 0);
  }
  SECTION("label_limit counts the target's labels and the name") {
    auto o = fixture::options();
    o.label_limit = 3;
    fixture f{o};
    f.scrape("a{x=\"1\",y=\"2\"} 1\n", 1000);
    REQUIRE(f.report.failure);
    CHECK(f.report.failure->message ==
          "label_limit exceeded (metric: a{x=\"1\",y=\"2\"}, number of labels: 5, limit: 3)");
  }
  SECTION("label_value_length_limit") {
    auto o = fixture::options();
    o.label_value_length_limit = 4;
    fixture f{o};
    f.scrape("a{x=\"12345\"} 1\n", 1000);
    REQUIRE(f.report.failure);
    CHECK_THAT(f.report.failure->message,
               Catch::StartsWith("label_value_length_limit exceeded (metric: a{x=\"12345\"}"));
  }
}

TEST_CASE("scraped labels that clash with the target's are kept as exported_ unless honored",
          "[scrape_loop]") {
  SECTION("exported_") {
    fixture f;
    f.scrape("a{job=\"other\",exported_job=\"x\"} 1\n", 1000);
    CHECK(
        f.stored().count(
            R"(a{exported_exported_job="other", exported_job="x", instance="h:9100", job="node"})") ==
        1);
  }
  SECTION("honor_labels") {
    auto o = fixture::options();
    o.honor_labels = true;
    fixture f{o};
    f.scrape("a{job=\"other\"} 1\n", 1000);
    CHECK(f.stored().count(R"(a{instance="h:9100", job="other"})") == 1);
  }
}

TEST_CASE("metric_relabel_configs drop series before they are counted as post-relabelling",
          "[scrape_loop]") {
  auto o = fixture::options();
  relabel_rule drop;
  drop.source_labels = {"__name__"};
  drop.regex = relabel_regex::compile("go_.*").value();
  drop.action = relabel_action::drop;
  o.metric_relabel.push_back(drop);
  fixture f{o};
  f.scrape("go_goroutines 7\nkept 1\n", 1000);
  f.scrape("go_goroutines 7\nkept 1\n", 2000);
  CHECK(f.report.samples_scraped == 2);
  CHECK(f.report.samples_post_relabel == 1);
  CHECK(f.stored().count(R"(go_goroutines{instance="h:9100", job="node"})") == 0);
  CHECK(f.report.stale_markers == 0);
}

TEST_CASE("own timestamps are honored and exempt from staleness", "[scrape_loop]") {
  SECTION("honored") {
    fixture f;
    f.scrape("a 1 500\nb 2\n", 1000);
    CHECK(f.samples(R"(a{instance="h:9100", job="node"})") == std::vector<sample>{{500, 1}});
    f.scrape("", 2000);
    CHECK(f.report.stale_markers == 1);
    CHECK(f.samples(R"(a{instance="h:9100", job="node"})").size() == 1);
  }
  SECTION("ignored with honor_timestamps false") {
    auto o = fixture::options();
    o.honor_timestamps = false;
    fixture f{o};
    f.scrape("a 1 500\n", 1000);
    CHECK(f.samples(R"(a{instance="h:9100", job="node"})") == std::vector<sample>{{1000, 1}});
  }
}

TEST_CASE("a series written twice in one body is stored once", "[scrape_loop]") {
  fixture f;
  f.scrape("a 1\na 2\n", 1000);
  CHECK(f.samples(R"(a{instance="h:9100", job="node"})") == std::vector<sample>{{1000, 1}});
  CHECK(f.report.samples_scraped == 2);
}

TEST_CASE("OpenMetrics bodies are parsed by their content type", "[scrape_loop]") {
  fixture f;
  f.scrape("# TYPE c counter\nc_total 4\n# EOF\n", 1000,
           "application/openmetrics-text; version=1.0.0; charset=utf-8");
  CHECK(f.samples(R"(c_total{instance="h:9100", job="node"})") == std::vector<sample>{{1000, 4}});
  f.scrape("c_total 4\n", 2000, "application/openmetrics-text; version=1.0.0");
  REQUIRE(f.report.failure);  // no # EOF
}

TEST_CASE("stopping marks the last scrape's series and the report series stale", "[scrape_loop]") {
  fixture f;
  f.scrape("a 1\n", 1000);
  f.write(f.loop.stopped(1500));
  auto s = f.stored();
  CHECK(stale_at(s[R"(a{instance="h:9100", job="node"})"], 1500));
  CHECK(stale_at(s[up], 1500));
  CHECK(f.loop.stopped(1600).size() == 6);  // idempotent batch, same series
}

TEST_CASE("a ref the shard no longer knows is replaced by labels on the next scrape",
          "[scrape_loop]") {
  fixture f;
  f.scrape("a 1\n", 1000);
  auto batch = f.loop.scraped("a 2\n", text_format, 2000, 1ms, f.report);
  REQUIRE(batch[0].ref != series_write::no_ref);
  // As a restarted shard that lost the series would answer.
  std::vector<write_issue> issues{{0, "unknown_series", "unknown ref"}};
  f.loop.written({}, issues);
  batch = f.loop.scraped("a 3\n", text_format, 3000, 1ms, f.report);
  CHECK(batch[0].ref == series_write::no_ref);
  CHECK(batch[0].ls.to_string() == R"(a{instance="h:9100", job="node"})");
}

TEST_CASE("the families' TYPE, HELP and UNIT are kept as the last scrape told them",
          "[scrape_loop]") {
  fixture f;
  f.scrape("# HELP a_total Requests.\n# TYPE a_total counter\na_total 1\n# TYPE g gauge\ng 1\n",
           1000);
  CHECK(f.report.metadata_changed);
  auto m = f.loop.metadata();
  REQUIRE(m.size() == 2);
  CHECK(m["a_total"] == metric_metadata{"counter", "Requests.", ""});
  CHECK(m["g"].type == "gauge");
  f.scrape("# HELP a_total Requests.\n# TYPE a_total counter\na_total 2\n# TYPE g gauge\ng 1\n",
           2000);
  CHECK_FALSE(f.report.metadata_changed);
  f.scrape("# TYPE rt_seconds summary\n# UNIT rt_seconds seconds\nrt_seconds_sum 1\n"
           "rt_seconds_count 1\n# EOF\n",
           3000, "application/openmetrics-text; version=1.0.0");
  REQUIRE_FALSE(f.report.failure);
  CHECK(f.report.metadata_changed);
  m = f.loop.metadata();
  REQUIRE(m.size() == 1);
  CHECK(m["rt_seconds"] == metric_metadata{"summary", "", "seconds"});
}
