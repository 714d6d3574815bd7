#include "rules/promql/ast.hpp"

#include <catch2/catch.hpp>

#include "rules/promql/check.hpp"
#include "tests/rules/promql/test_util.hpp"

using namespace vigil::promql;
using vigil::promql::test::everything;

namespace {

expr_ptr parsed(std::string_view query) {
  auto r = parse_expr(query, everything);
  INFO(query);
  REQUIRE(r.ok());
  return std::move(*r.value);
}

}  // namespace

TEST_CASE("expressions know the type they evaluate to", "[promql][ast]") {
  CHECK(parsed("1")->type() == value_type::scalar);
  CHECK(parsed(R"("s")")->type() == value_type::string);
  CHECK(parsed("x")->type() == value_type::vector);
  CHECK(parsed("x[5m]")->type() == value_type::matrix);
  CHECK(parsed("x[5m:]")->type() == value_type::matrix);
  CHECK(parsed("1 + 2")->type() == value_type::scalar);
  CHECK(parsed("1 + x")->type() == value_type::vector);
  CHECK(parsed("-(1)")->type() == value_type::scalar);
  CHECK(parsed("time()")->type() == value_type::scalar);
  CHECK(parsed("sum(x)")->type() == value_type::vector);
  CHECK(parsed("x[step()]")->as<matrix_selector>().range_expr->type() == value_type::scalar);
}

TEST_CASE("children are listed in evaluation order", "[promql][ast]") {
  auto e = parsed("topk(5, rate(x[5m:1m] offset (1m+1m)))");
  auto top = children(*e);
  REQUIRE(top.size() == 2);
  CHECK(top[0]->is<number_literal>());
  auto call_args = children(*top[1]);
  REQUIRE(call_args.size() == 1);
  auto sub = children(*call_args[0]);
  REQUIRE(sub.size() == 2);  // the selector and the offset expression
  CHECK(sub[0]->is<vector_selector>());
  CHECK(sub[1]->is<duration_expr>());
  CHECK(children(*sub[0]).empty());
}

TEST_CASE("same_tree compares structure and values, not positions", "[promql][ast]") {
  CHECK(same_tree(*parsed("sum by (a) (x)"), *parsed("  sum(x)   by (a)")));
  CHECK(same_tree(*parsed("x[90s]"), *parsed("x[1m30s]")));
  CHECK_FALSE(same_tree(*parsed("x[90s]"), *parsed("x[91s]")));
  CHECK_FALSE(same_tree(*parsed("(x)"), *parsed("x")));
  CHECK_FALSE(same_tree(*parsed("x{a=\"b\"}"), *parsed("x{a=~\"b\"}")));
  CHECK_FALSE(same_tree(*parsed("5m"), *parsed("300")));  // printed differently
  CHECK(same_tree(*parsed("NaN"), *parsed("nan")));
  CHECK_FALSE(same_tree(*parsed("0"), *parsed("-0")));
}

TEST_CASE("operators have their PromQL spellings", "[promql][ast]") {
  CHECK(to_string(binary_op::lunless) == "unless");
  CHECK(to_string(binary_op::gte) == ">=");
  CHECK(to_string(binary_op::atan2) == "atan2");
  CHECK(to_string(aggregate_op::count_values) == "count_values");
  CHECK(to_string(aggregate_op::limit_ratio) == "limit_ratio");
  CHECK(to_string(cardinality::many_to_one) == "many-to-one");
  CHECK(is_comparison(binary_op::eql));
  CHECK_FALSE(is_comparison(binary_op::land));
  CHECK(is_set_operator(binary_op::lor));
  CHECK(takes_param(aggregate_op::quantile));
  CHECK_FALSE(takes_param(aggregate_op::group));
  CHECK(is_experimental(aggregate_op::limitk));
}

TEST_CASE("trees built by hand can be type-checked", "[promql][ast][check]") {
  binary b;
  b.op = binary_op::lss;
  b.lhs = make_expr(number_literal{1, false}, {0, 1});
  b.rhs = make_expr(number_literal{2, false}, {4, 5});
  b.matching.emplace();
  auto e = make_expr(std::move(b), {0, 5});
  std::vector<parse_error> errors;
  check_types(*e, "1 <  2", errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].to_string() ==
        "1:3: parse error: comparisons between scalars must use BOOL modifier");
  CHECK_FALSE(e->as<binary>().matching);
}
