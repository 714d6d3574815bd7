#include <catch2/catch.hpp>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "rules/promql/parser.hpp"
#include "storage/base/sample.hpp"

using namespace vigil::promql;

namespace {

constexpr double none = -12345.678;  // stands for "no sample" in expectations

std::vector<double> values_of(std::string_view input) {
  auto r = parse_series_desc(input);
  INFO(input);
  REQUIRE(r.ok());
  std::vector<double> out;
  for (const auto& v : r.value->values) out.push_back(v ? *v : none);
  return out;
}

std::string error_of(std::string_view input) {
  auto r = parse_series_desc(input);
  return r.ok() ? std::string{} : r.errors.front().to_string();
}

}  // namespace

TEST_CASE("series descriptions expand values as PromQL test scripts do", "[promql][series_desc]") {
  CHECK(values_of("{} 1 2 3") == std::vector<double>{1, 2, 3});
  CHECK(values_of(R"({a="b"} -1 2 3)") == std::vector<double>{-1, 2, 3});
  CHECK(values_of(R"(my_metric{a="b"} 1 2 3-10x4)") ==
        std::vector<double>{1, 2, 3, -7, -17, -27, -37});
  CHECK(values_of(R"(my_metric{a="b"} 1 2 3-0x4)") == std::vector<double>{1, 2, 3, 3, 3, 3, 3});
  CHECK(values_of("{} 1x0") == std::vector<double>{1});
  CHECK(values_of("{} 1+1x0") == std::vector<double>{1});
  CHECK(values_of("{} 0+1.5x2") == std::vector<double>{0, 1.5, 3});
  CHECK(values_of(R"(my_metric{a="b"} 1 3 _ 5 _x4)") ==
        std::vector<double>{1, 3, none, 5, none, none, none, none});
  CHECK(values_of(R"(my_metric{a="b"} 1 -1 -3-10x4 7 9 +5)") ==
        std::vector<double>{1, -1, -3, -13, -23, -33, -43, 7, 9, 5});
  CHECK(values_of(R"(my_metric{a="b"} 1 +1 +4 -6 -2 8)") ==
        std::vector<double>{1, 1, 4, -6, -2, 8});
  CHECK(values_of(R"(my_metric{a="b"} 1 2 3    )") == std::vector<double>{1, 2, 3});
  CHECK(values_of("m 2x2 1e3 .5").size() == 5);
  CHECK(values_of("m 0x1") == std::vector<double>{0, 0});  // no hex: 0 repeated once
  CHECK(values_of("m").empty());
}

TEST_CASE("stale, Inf and NaN are series values", "[promql][series_desc]") {
  auto r = parse_series_desc("metric{a=\"b\"} 1+2x3 _ stale -1-1x2 _x3 1x4 Inf -Inf NaN");
  REQUIRE(r.ok());
  const auto& v = r.value->values;
  REQUIRE(v.size() == 4 + 1 + 1 + 3 + 3 + 5 + 3);
  CHECK(*v[3] == 7);
  CHECK_FALSE(v[4]);
  CHECK(vigil::is_stale_marker(*v[5]));
  CHECK(*v[8] == -3);
  CHECK_FALSE(v[11]);
  CHECK(std::isinf(*v[17]));
  CHECK(*v[18] < 0);
  CHECK(std::isnan(*v[19]));
  CHECK_FALSE(vigil::is_stale_marker(*v[19]));
}

TEST_CASE("series descriptions carry their labels", "[promql][series_desc]") {
  auto r = parse_series_desc(R"(http_requests{job="api", 'instance'="0",} 1)");
  REQUIRE(r.ok());
  CHECK(r.value->metric.to_string() == R"(http_requests{instance="0", job="api"})");
  auto quoted = parse_series_desc(R"({"foo:bar", a="1"} 2)");
  REQUIRE(quoted.ok());
  CHECK(quoted.value->metric.metric_name() == "foo:bar");
  auto keyword_name = parse_series_desc("sum 1");
  REQUIRE(keyword_name.ok());
  CHECK(keyword_name.value->metric.metric_name() == "sum");
}

TEST_CASE("malformed series descriptions are errors with positions", "[promql][series_desc]") {
  CHECK(error_of("{} 1+1") == "1:7: parse error: unexpected end of input in series values");
  CHECK(error_of(R"(my_metric{a="b"} 1 3 _ 5 _a4)") ==
        R"(1:27: parse error: unexpected identifier "a4" in series values)");
  CHECK(error_of(R"(my_metric{a="b"} -3-3 -3)") ==
        R"(1:22: parse error: unexpected " " in series values)");
  CHECK(error_of(R"(my_metric{a="b"} -3 -3-3)").find("unexpected end of input") !=
        std::string::npos);
  CHECK(error_of(R"(my_metric{a="b"} -3 _-2)") ==
        R"(1:22: parse error: unexpected <op:-> in series values)");
  CHECK(error_of(R"(my_metric{a="b"} -3 3+3x4-4)") ==
        R"(1:26: parse error: unexpected <op:-> in series values)");
  CHECK(
      error_of("m foo") ==
      R"(1:3: parse error: unexpected identifier "foo" in series values, expected number or "stale")");
  CHECK(
      error_of("m 1x1.5") ==
      R"(1:5: parse error: invalid repetition in series values: strconv.ParseUint: parsing "1.5": invalid syntax)");
  CHECK(error_of("m1 2") == "");
  CHECK(error_of("m{a=1} 2") == R"(1:5: parse error: unexpected character inside braces: '1')");
  CHECK(error_of(R"(m{a!="1"} 2)") ==
        R"(1:4: parse error: unexpected <op:!=> in label set, expected "=")");
  CHECK(error_of(R"(up{job="prometheus", instance="localhost:9090")") ==
        "1:47: parse error: unexpected end of input inside braces");
  CHECK(error_of(R"({a.b="c"} 1)") == "1:3: parse error: unexpected character inside braces: '.'");
  CHECK(error_of(R"({"a.b"="c"} 1)") == R"(1:1: parse error: invalid label name "a.b")");
  CHECK(error_of("m 1x99999999999") ==
        "1:16: parse error: too many values in series (at most 5000000)");
}

TEST_CASE("native histogram values are refused clearly", "[promql][series_desc]") {
  CHECK(error_of("m {{schema:1 sum:3 count:22 buckets:[5 10 7]}}") ==
        "1:3: parse error: native histograms are not supported");
  CHECK(error_of("m 1 {{}}x3") == "1:5: parse error: native histograms are not supported");
}
