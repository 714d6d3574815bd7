// limitk and limit_ratio (Prometheus 3's experimental aggregations) over
// limit.test's data, its two native histogram series stood in for by
// floats: which series survive depends only on their order and labels.

#include <catch2/catch.hpp>

#include "tests/rules/promql/test_util.hpp"

using namespace vigil;
using namespace vigil::promql;
using namespace std::chrono_literals;

namespace {

constexpr timestamp at_50m = 50 * 60'000;

memory_queryable limit_data() {
  memory_queryable q;
  test::load(q, 5min,
             {R"(http_requests{job="api-server", instance="0", group="production"} 0+10x10)",
              R"(http_requests{job="api-server", instance="1", group="production"} 0+20x10)",
              R"(http_requests{job="api-server", instance="0", group="canary"} 0+30x10)",
              R"(http_requests{job="api-server", instance="1", group="canary"} 0+40x10)",
              R"(http_requests{job="api-server", instance="2", group="canary"} 0+50x10)",
              R"(http_requests{job="api-server", instance="3", group="canary"} 0+60x10)",
              R"(http_requests{job="api-server", instance="histogram_1", group="canary"} 1x10)",
              R"(http_requests{job="api-server", instance="histogram_2", group="canary"} 2x10)",
              "foo 1+1x10"});
  return q;
}

vector_value vec(queryable& q, std::string_view query, annotations* notes = nullptr) {
  auto v = test::instant(q, query, at_50m, notes);
  INFO(query);
  REQUIRE(v.has_value());
  return std::get<vector_value>(*v);
}

std::string error_of(queryable& q, std::string_view query) {
  auto v = test::instant(q, query, at_50m);
  REQUIRE_FALSE(v.has_value());
  return v.error_value().message;
}

// count(...) of a range query from 0 to 50m every 5m, one number per step
// (0 where the result is empty).
std::vector<double> counts(queryable& q, std::string_view query) {
  auto m = test::range(q, query, 0, at_50m, 5min);
  REQUIRE(m.has_value());
  std::vector<double> out(11, 0);
  for (const auto& s : *m)
    for (const auto& p : s.points) out[size_t(p.t / 300'000)] = p.v;
  return out;
}

}  // namespace

TEST_CASE("limitk keeps the first k series of each group as selected", "[promql][aggregate]") {
  auto q = limit_data();
  CHECK(vec(q, "limitk by (group) (0, http_requests)").empty());
  CHECK(vec(q, "limitk by (group) (-1, http_requests)").empty());
  CHECK(vec(q, "count(limitk by (group) (1, http_requests) and http_requests)")[0].v == 2);
  CHECK(vec(q, "count(limitk by (group) (2, http_requests) and http_requests)")[0].v == 4);
  CHECK(vec(q, "count(limitk(100, http_requests) and http_requests)")[0].v == 8);
  auto first = vec(q, "limitk by (group) (1, http_requests)");
  REQUIRE(first.size() == 2);
  CHECK(first[0].metric.get("instance") == "0");
  CHECK(first[0].v == 100);
  CHECK(first[1].metric.get("group") == "canary");
  CHECK(first[1].metric.get("instance") == "0");
  // k may change from step to step (Prometheus bug #15971).
  CHECK(counts(q, "count(limitk(scalar(foo), http_requests))") ==
        std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 8, 8, 8});
}

TEST_CASE("limitk's k must be a number that fits int64", "[promql][aggregate]") {
  auto q = limit_data();
  CHECK(error_of(q, "limitk(NaN, http_requests)") == "Parameter value is NaN");
  CHECK(error_of(q, "limitk(1e19, http_requests)") == "Scalar value 1e+19 overflows int64");
  // Checked over the whole query, as Prometheus does: only if some step's
  // k selects anything.
  auto k = "limitk((time() < bool 600) * -1e19 + 1, http_requests)";
  auto m = test::range(q, k, 0, at_50m, 5min);
  REQUIRE_FALSE(m.has_value());
  CHECK(m.error_value().message == "Scalar value -1e+19 underflows int64");
  CHECK(test::instant(q, k, 0).has_value());
}

TEST_CASE("limit_ratio samples series by their label hash", "[promql][aggregate]") {
  auto q = limit_data();
  CHECK(vec(q, "limit_ratio(1, http_requests)").size() == 8);
  CHECK(vec(q, "limit_ratio(-1, http_requests)").size() == 8);
  CHECK(vec(q, "limit_ratio by (group) (1, http_requests)").size() == 8);
  CHECK(vec(q, "limit_ratio(0, http_requests)").empty());
  size_t half = vec(q, "limit_ratio(0.5, http_requests)").size();
  CHECK((half >= 3 && half <= 5));
  // r and r - 1 split the series between them.
  for (auto [r, complement] : {std::pair{"0.2", "-0.8"}, {"0.5", "-0.5"}, {"0.8", "-0.2"}}) {
    std::string kept = std::string{"limit_ratio("} + r + ", http_requests)";
    std::string rest = std::string{"limit_ratio("} + complement + ", http_requests)";
    CHECK(vec(q, kept + " or " + rest).size() == 8);
    CHECK(vec(q, kept + " and " + rest).empty());
  }
  // The same series at every step, whatever their values.
  std::vector<double> steady(11, double(half));
  CHECK(counts(q, "count(limit_ratio(0.5, http_requests))") == steady);
  auto r = "(time() % 17 / 17)";
  CHECK(counts(q, std::string{"count(limit_ratio("} + r + ", http_requests) or limit_ratio(-(1 - " +
                      r + "), http_requests))") == std::vector<double>(11, 8));
  CHECK(error_of(q, "limit_ratio(NaN, http_requests)") == "Ratio value is NaN");
}

TEST_CASE("limit_ratio warns about a ratio outside [-1, 1] and caps it", "[promql][aggregate]") {
  auto q = limit_data();
  annotations notes;
  CHECK(vec(q, "limit_ratio(1.1, http_requests)", &notes).size() == 8);
  CHECK(notes.warnings == std::set<std::string>{"PromQL warning: ratio value should be between "
                                                "-1 and 1, got 1.1, capping to 1"});
  notes = {};
  CHECK(vec(q, "limit_ratio(-1.1, http_requests)", &notes).size() == 8);
  CHECK(notes.warnings == std::set<std::string>{"PromQL warning: ratio value should be between "
                                                "-1 and 1, got -1.1, capping to -1"});
}
