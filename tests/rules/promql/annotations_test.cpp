// The warnings and infos the engine attaches to results, with Prometheus
// 3.9's texts: each kept once per query, however many series or steps
// raised it.

#include "rules/promql/annotations.hpp"

#include <catch2/catch.hpp>

#include "tests/rules/promql/test_util.hpp"

using namespace vigil;
using namespace vigil::promql;
using namespace std::chrono_literals;

namespace {

using texts = std::set<std::string>;

constexpr timestamp at_5m = 5 * 60'000;

memory_queryable data() {
  memory_queryable q;
  test::load(q, 1min,
             {R"(requests{job="a"} 0+1x10)", R"(requests{job="b"} 0+2x10)", "requests_total 0+1x10",
              "latency_sum 0+1x10", "latency_count 0+1x10", R"(latency_bucket{le="1"} 0+1x10)",
              R"(latency_bucket{le="+Inf"} 0+1x10)", R"(broken_bucket{le="x"} 0+1x10)",
              R"(broken_bucket{le="+Inf"} 0+1x10)", R"(falling_bucket{le="1"} 0+2x10)",
              R"(falling_bucket{le="+Inf"} 0+1x10)"});
  return q;
}

annotations notes_of(queryable& q, std::string_view query) {
  annotations notes;
  INFO(query);
  REQUIRE(test::instant(q, query, at_5m, &notes).has_value());
  return notes;
}

const std::string not_a_counter =
    "PromQL info: metric might not be a counter, name does not end in "
    "_total/_sum/_count/_bucket: ";

}  // namespace

TEST_CASE("rate and increase doubt metrics not named like counters", "[promql][annotations]") {
  auto q = data();
  CHECK(notes_of(q, "rate(requests[5m])").infos == texts{not_a_counter + "\"requests\""});
  CHECK(notes_of(q, "increase(requests[5m:1m])").infos == texts{not_a_counter + "\"requests\""});
  for (auto quiet :
       {"rate(requests_total[5m])", "rate(latency_sum[5m])", "increase(latency_count[5m])",
        "rate(latency_bucket[5m])", "delta(requests[5m])", "irate(requests[5m])",
        "rate(sum(requests)[5m:1m])", "rate(requests[1m] offset 10m)"}) {
    INFO(quiet);
    auto notes = notes_of(q, quiet);
    CHECK(notes.infos.empty());
    CHECK(notes.warnings.empty());
  }
  // Two series over six steps: still one info.
  annotations notes;
  REQUIRE(test::range(q, "rate(requests[5m])", 0, at_5m, 1min, &notes).has_value());
  CHECK(notes.infos.size() == 1);
}

TEST_CASE("quantiles outside [0, 1] are warned about", "[promql][annotations]") {
  auto q = data();
  const std::string bad = "PromQL warning: quantile value should be between 0 and 1, got ";
  CHECK(notes_of(q, "quantile(1.5, requests)").warnings == texts{bad + "1.5"});
  CHECK(notes_of(q, "quantile(NaN, requests)").warnings == texts{bad + "NaN"});
  CHECK(notes_of(q, "quantile(-1, nothing)").warnings == texts{bad + "-1"});
  CHECK(notes_of(q, "quantile_over_time(2, requests[5m])").warnings == texts{bad + "2"});
  CHECK(notes_of(q, "quantile_over_time(2, nothing[5m])").warnings.empty());
  CHECK(notes_of(q, "histogram_quantile(-0.5, nothing)").warnings == texts{bad + "-0.5"});
  // An aggregation's parameter is checked once over all steps: its largest
  // value above 1 and its smallest below 0.
  annotations notes;
  REQUIRE(test::range(q, "quantile(time() / 100 - 1, requests)", 0, at_5m, 1min, &notes));
  CHECK(notes.warnings == texts{bad + "-1", bad + "2"});
}

TEST_CASE("histogram_quantile notes unusable and non-monotonic buckets", "[promql][annotations]") {
  auto q = data();
  auto broken = notes_of(q, "histogram_quantile(0.5, broken_bucket)");
  CHECK(broken.warnings ==
        texts{"PromQL warning: bucket label \"le\" is missing or has a malformed value of \"x\" "
              "for metric name \"broken_bucket\""});
  CHECK(notes_of(q, "histogram_fraction(0, 1, broken_bucket)").warnings == broken.warnings);
  CHECK(notes_of(q, "histogram_quantile(0.5, falling_bucket)").infos ==
        texts{"PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see "
              "https://prometheus.io/docs/prometheus/latest/querying/functions/"
              "#histogram_quantile) for metric name \"falling_bucket\""});
  auto clean = notes_of(q, "histogram_quantile(0.5, latency_bucket)");
  CHECK(clean.warnings.empty());
  CHECK(clean.infos.empty());
}
