// info() beyond what info.test covers: its errors and how it keeps the
// delayed removal of a name.

#include <catch2/catch.hpp>

#include "tests/rules/promql/test_util.hpp"

using namespace vigil;
using namespace vigil::promql;
using namespace std::chrono_literals;

namespace {

memory_queryable info_data() {
  memory_queryable q;
  test::load(q, 1min,
             {R"(requests_total{instance="a", job="1"} 0+1x10)",
              R"(target_info{instance="a", job="1", region="eu"} 1x10)",
              R"(build_info{instance="a", job="1", region="us", version="2"} 1x10)"});
  return q;
}

}  // namespace

TEST_CASE("info() adds the data labels of the matching info series", "[promql][info]") {
  auto q = info_data();
  auto v = test::instant(q, "info(requests_total)", 120'000);
  REQUIRE(v.has_value());
  auto& vec = std::get<vector_value>(*v);
  REQUIRE(vec.size() == 1);
  CHECK(vec[0].metric.to_string() == R"(requests_total{instance="a", job="1", region="eu"})");
  // A name that was to go still goes (info() returns its input's series).
  v = test::instant(q, "info(rate(requests_total[5m]))", 120'000);
  REQUIRE(v.has_value());
  CHECK(std::get<vector_value>(*v)[0].metric.to_string() ==
        R"({instance="a", job="1", region="eu"})");
}

TEST_CASE("info() fails on conflicting data labels and duplicate info series", "[promql][info]") {
  auto q = info_data();
  auto v = test::instant(q, R"(info(requests_total, {__name__=~".+_info"}))", 120'000);
  REQUIRE_FALSE(v.has_value());
  CHECK(v.error_value().message == "conflicting label: region");
  test::load(q, 1min, {R"(target_info{instance="a", job="1", region="ap"} 1x10)"});
  v = test::instant(q, "info(requests_total)", 120'000);
  REQUIRE_FALSE(v.has_value());
  CHECK(
      v.error_value().message ==
      R"(found duplicate series for info metric: existing {__name__="target_info", instance="a", job="1", region="eu"} @ 120000, new {__name__="target_info", instance="a", job="1", region="ap"} @ 120000)");
}
