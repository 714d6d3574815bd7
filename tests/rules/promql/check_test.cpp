#include "rules/promql/check.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/rules/promql/test_util.hpp"

using namespace vigil::promql;
using vigil::promql::test::first_error;

TEST_CASE("type errors of operators carry Prometheus's messages and positions", "[promql][check]") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"1 and 1",
       R"(1:1: parse error: set operator "and" not allowed in binary scalar expression)"},
      {"1 or 1", R"(1:1: parse error: set operator "or" not allowed in binary scalar expression)"},
      {"foo unless 1",
       R"(1:1: parse error: set operator "unless" not allowed in binary scalar expression)"},
      {"1 == 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"},
      {"foo + bool bar",
       "1:5: parse error: bool modifier can only be used on comparison operators"},
      {"foo and bool 10",
       "1:5: parse error: bool modifier can only be used on comparison operators"},
      {"1 or on(bar) foo",
       "1:1: parse error: vector matching only allowed between instant vectors"},
      {"foo == on(bar) 10",
       "1:1: parse error: vector matching only allowed between instant vectors"},
      {"foo and on(bar) group_left(baz) bar",
       R"(1:1: parse error: no grouping allowed for "and" operation)"},
      {"foo unless on(bar) group_right(baz) bar",
       R"(1:1: parse error: no grouping allowed for "unless" operation)"},
      {R"(http_requests{group="production"} + on(instance) group_left(job,instance) cpu_count{type="smp"})",
       R"(1:35: parse error: label "instance" must not occur in ON and GROUP clause at once)"},
      {"rate(x[5m]) + foo[5m]",
       "1:15: parse error: binary expression must contain only scalar and instant vector types"},
      {R"("a" + 1)",
       "1:1: parse error: binary expression must contain only scalar and instant vector types"},
      {R"(-"string")",
       R"(1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "string")"},
      {"-test[5m]",
       R"(1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector")"},
  };
  for (const auto& [query, message] : cases) {
    INFO(query);
    CHECK(first_error(query) == message);
  }
}

TEST_CASE("selectors that would select everything or name the metric twice are refused",
          "[promql][check]") {
  for (const char* query : {"{}", R"({x=""})", R"({x=~".*"})", R"({x!~".+"})", R"({x!="a"})"}) {
    INFO(query);
    CHECK(first_error(query) ==
          "1:1: parse error: vector selector must contain at least one non-empty matcher");
  }
  CHECK(first_error(R"(foo{__name__="bar"})") ==
        R"(1:1: parse error: metric name must not be set twice: "foo" or "bar")");
  // Several __name__ matchers inside the braces are fine.
  CHECK(first_error(R"({__name__="bar", __name__="baz"})").empty());
  CHECK(first_error(R"({"bar", __name__=~"b.*"})").empty());
  CHECK(first_error(R"(rate({x=""}[5m]))") ==
        "1:6: parse error: vector selector must contain at least one non-empty matcher");
}

TEST_CASE("function calls are checked for argument count and types", "[promql][check]") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"floor()", R"(1:1: parse error: expected 1 argument(s) in call to "floor", got 0)"},
      {"floor(some_metric, other_metric)",
       R"(1:1: parse error: expected 1 argument(s) in call to "floor", got 2)"},
      {"floor(1)",
       R"(1:7: parse error: expected type instant vector in call to function "floor", got scalar)"},
      {"hour(some_metric, some_metric, some_metric)",
       R"(1:1: parse error: expected at most 1 argument(s) in call to "hour", got 3)"},
      {"time(some_metric)", R"(1:1: parse error: expected 0 argument(s) in call to "time", got 1)"},
      {"rate(some_metric)",
       R"(1:6: parse error: expected type range vector in call to function "rate", got instant vector)"},
      {"rate(avg)",
       R"(1:6: parse error: expected type range vector in call to function "rate", got instant vector)"},
      {"label_join(x)",
       R"(1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 1)"},
      {R"(label_join(x, "a", "b", "c", 1))",
       R"(1:30: parse error: expected type string in call to function "label_join", got scalar)"},
      {"histogram_quantile(x, 0.9)",
       R"(1:20: parse error: expected type scalar in call to function "histogram_quantile", got instant vector)"},
      {R"(info(rate(http_request_counter_total{}[5m]), target_info{foo="bar"}))",
       "1:46: parse error: expected label selectors only, got vector selector instead"},
      {R"(info(http_request_counter_total{namespace="zzz"}, {foo="bar"} == 1))",
       "1:51: parse error: expected label selectors only"},
  };
  for (const auto& [query, message] : cases) {
    INFO(query);
    CHECK(first_error(query) == message);
  }
  // Optional and repeated arguments.
  for (const char* ok :
       {"hour()", "hour(x)", "round(x)", "round(x, 5)", R"(label_join(x, "a", "b"))",
        R"(label_join(x, "a", "-", "b", "c", "d"))", R"(sort_by_label(x))",
        R"(info(x, {__name__=~".+"}))", R"(info(x, {}))", "pi()", "vector(1)"}) {
    INFO(ok);
    CHECK(first_error(ok).empty());
  }
}

TEST_CASE("aggregation operands and parameters have their types checked", "[promql][check]") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"topk(some_metric, other_metric)",
       "1:6: parse error: expected type scalar in aggregation parameter, got instant vector"},
      {"count_values(5, other_metric)",
       "1:14: parse error: expected type string in aggregation parameter, got scalar"},
      {R"(quantile("a", x))",
       "1:10: parse error: expected type scalar in aggregation parameter, got string"},
      {"limit_ratio(x, y)",
       "1:13: parse error: expected type scalar in aggregation parameter, got instant vector"},
      {"sum(1)",
       "1:5: parse error: expected type instant vector in aggregation expression, got scalar"},
      {"sum(x[5m])",
       "1:5: parse error: expected type instant vector in aggregation expression, got range "
       "vector"},
  };
  for (const auto& [query, message] : cases) {
    INFO(query);
    CHECK(first_error(query) == message);
  }
}

TEST_CASE("subqueries need instant vectors and duration expressions stay in their places",
          "[promql][check]") {
  CHECK(first_error("test[5d] OFFSET 10s [10m:5s]") ==
        "1:1: parse error: subquery is only allowed on instant vector, got matrix instead");
  CHECK(first_error(R"((foo + bar{nm="val"})[5m:][10m:5s])") ==
        "1:1: parse error: subquery is only allowed on instant vector, got matrix instead");
  CHECK(first_error("step()") ==
        "1:1: parse error: duration expressions are only allowed in ranges, subquery steps and "
        "offsets");
  CHECK(first_error("1 + step() * 2") ==
        "1:5: parse error: duration expressions are only allowed in ranges, subquery steps and "
        "offsets");
}

TEST_CASE("grouping labels may repeat but not be both matched on and included", "[promql][check]") {
  // Prometheus accepts repeated grouping labels; so do we.
  CHECK(first_error("sum by (a, a) (x)").empty());
  CHECK(first_error("x / ignoring (a) group_left (a) y").empty());
  CHECK(first_error("x / on (a) group_left (a) y") ==
        R"(1:3: parse error: label "a" must not occur in ON and GROUP clause at once)");
}

TEST_CASE("type checking reports every error, in order", "[promql][check]") {
  auto r = parse_expr("floor(1) + rate(x)");
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].message ==
        R"(expected type instant vector in call to function "floor", got scalar)");
  CHECK(r.errors[1].message ==
        R"(expected type range vector in call to function "rate", got instant vector)");
}
