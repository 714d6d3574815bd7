#include "rules/promql/parser.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "tests/rules/promql/test_util.hpp"

using namespace vigil::promql;
using vigil::promql::test::everything;
using vigil::promql::test::first_error;
using vigil::promql::test::shape;

namespace {

expr_ptr parse_ok(std::string_view query, const parse_options& options = everything) {
  auto r = parse_expr(query, options);
  INFO(query);
  REQUIRE(r.errors.empty());
  REQUIRE(r.ok());
  return std::move(*r.value);
}

}  // namespace

TEST_CASE("operators bind and associate as in Prometheus", "[promql][parser]") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"1 + 2 * 3", "(1 + (2 * 3))"},
      {"1 * 2 + 3", "((1 * 2) + 3)"},
      {"1 - 2 - 3", "((1 - 2) - 3)"},
      {"2 ^ 3 ^ 2", "(2 ^ (3 ^ 2))"},
      {"2 * 3 ^ 2", "(2 * (3 ^ 2))"},
      {"-1^2", "(-(1 ^ 2))"},
      {"-1*2", "(-1 * 2)"},
      {"-1+2", "(-1 + 2)"},
      {"-1^-2", "(-(1 ^ -2))"},
      {"+1 + -2 * 1", "(1 + (-2 * 1))"},
      {"2 ^ -1 ^ 2", "(2 ^ (-(1 ^ 2)))"},
      {"-a * b", "((-a) * b)"},
      {"- - 1", "1"},
      {"1 + 2/(3*1)", "(1 + (2 / paren((3 * 1))))"},
      {"1 < bool 2 - 1 * 2", "(1 < bool (2 - (1 * 2)))"},
      {"a atan2 b * c", "((a atan2 b) * c)"},
      {"a % b atan2 c", "((a % b) atan2 c)"},
      {"a == b + c", "(a == (b + c))"},
      {"a > b or c < d", "((a > b) or (c < d))"},
      {"a or b and c", "(a or (b and c))"},
      {"a and b unless c", "((a and b) unless c)"},
      {"a unless b or c and d", "((a unless b) or (c and d))"},
      {"foo + bar or bla and blub", "((foo + bar) or (bla and blub))"},
      {"a + b offset 5m", "(a + b offset 5m)"},
      {"-a offset 1m", "(-a offset 1m)"},
      {"a ^ b @ 10", "(a ^ b @ 10.000)"},
      {"a * b @ start()", "(a * b @ start())"},
  };
  for (const auto& [query, grouped] : cases) {
    INFO(query);
    CHECK(shape(query) == grouped);
  }
}

TEST_CASE("offset takes a literal, step() or min/max and leaves the rest to the expression",
          "[promql][parser]") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"foo offset 5s-8", "(foo offset 5s - 8)"},
      {"foo offset -1^1", "(foo offset -1s ^ 1)"},
      {"metric offset 100 + 2", "(metric offset 1m40s + 2)"},
      {"metric offset -2 * 2", "(metric offset -2s * 2)"},
      {"metric offset step()*0", "(metric offset step() * 0)"},
      {"metric offset -step()*2", "(metric offset -step() * 2)"},
      {"metric offset min(step(), 1s)+8000", "(metric offset min(step(), 1s) + 8000)"},
      {"metric offset -(min(step(), 2s)-5)+8000", "(metric offset -(min(step(), 2s) - 5) + 8000)"},
      {"metric offset -min(step(), 1s)^0", "(metric offset -min(step(), 1s) ^ 0)"},
      // After an unsigned parenthesis the arithmetic stays in the duration.
      {"metric offset (100 + 2)", "metric offset (100 + 2)"},
      {"metric offset (2 * 2) + 1", "metric offset (2 * 2) + 1"},
      {"metric offset (1h) * 2", "metric offset (1h) * 2"},
      {"foo offset -(1^2)", "foo offset -(1 ^ 2)"},
      {"foo offset (-1^2)", "foo offset (-1 ^ 2)"},
      {"foo offset +(5*2)", "foo offset (5 * 2)"},
  };
  for (const auto& [query, grouped] : cases) {
    INFO(query);
    CHECK(shape(query) == grouped);
  }
}

TEST_CASE("a vector selector keeps its name and matchers, the name matcher last",
          "[promql][parser]") {
  auto e = parse_ok(R"(foo:bar{a="b", c!="d", e=~"f.*", g!~"h",})");
  REQUIRE(e->is<vector_selector>());
  const auto& v = e->as<vector_selector>();
  CHECK(v.name == "foo:bar");
  REQUIRE(v.matchers.size() == 5);
  CHECK(v.matchers[0].to_string() == R"(a="b")");
  CHECK(v.matchers[1].op() == vigil::index::match_op::not_equal);
  CHECK(v.matchers[2].op() == vigil::index::match_op::regex);
  CHECK(v.matchers[3].op() == vigil::index::match_op::not_regex);
  CHECK(v.matchers[4].to_string() == R"(__name__="foo:bar")");
  CHECK(e->range == position_range{0, 41});
}

TEST_CASE("quoted metric and label names inside braces are Prometheus 3 UTF-8 names",
          "[promql][parser]") {
  auto e = parse_ok(R"({"my.metric", "a.b"="c", 'x\'y'=`z`})");
  const auto& v = e->as<vector_selector>();
  CHECK(v.name.empty());
  REQUIRE(v.matchers.size() == 3);
  CHECK(v.matchers[0].name() == "__name__");
  CHECK(v.matchers[0].value() == "my.metric");
  CHECK(v.matchers[1].name() == "a.b");
  CHECK(v.matchers[2].name() == "x'y");
  CHECK(v.matchers[2].value() == "z");
}

TEST_CASE("keywords are metric names where an operand belongs", "[promql][parser]") {
  for (const char* query : {"sum", "by", "without", "offset", "and", "start", "end", "step",
                            "anchored", "smoothed", "min", "limitk"}) {
    auto e = parse_ok(query);
    REQUIRE(e->is<vector_selector>());
    CHECK(e->as<vector_selector>().name == query);
  }
  CHECK(shape("foo * sum") == "(foo * sum)");
  CHECK(shape(R"(offset{step="1s"}[5m])") == R"(offset{step="1s"}[5m])");
  CHECK(shape("sum(sum)") == "sum(sum)");
}

TEST_CASE("ranges, subqueries, offsets and @ land in the right fields", "[promql][parser]") {
  using namespace std::chrono_literals;
  auto m = parse_ok(R"(test{a="b"}[5y] offset 3d @ 1603774699.5)");
  REQUIRE(m->is<matrix_selector>());
  CHECK(m->as<matrix_selector>().range == 365 * 5 * 24h);
  const auto& v = m->as<matrix_selector>().selector->as<vector_selector>();
  CHECK(v.offset == 3 * 24h);
  CHECK(v.at.what == at_modifier::kind::time);
  CHECK(v.at.time == 1603774699500);
  CHECK(m->range == position_range{0, 40});

  auto s = parse_ok("rate(foo[2s])[5m:10s] offset -4m @ end()");
  REQUIRE(s->is<subquery>());
  const auto& sq = s->as<subquery>();
  CHECK(sq.range == 5min);
  CHECK(sq.step == 10s);
  CHECK(sq.offset == -4min);
  CHECK(sq.at.what == at_modifier::kind::end);
  CHECK(sq.inner->is<call>());

  auto n = parse_ok("foo[4.18] @ -3.3e1");
  CHECK(n->as<matrix_selector>().range == 4180ms);
  CHECK(n->as<matrix_selector>().selector->as<vector_selector>().at.time == -33000);

  auto d = parse_ok("foo[10m:]");
  CHECK(d->as<subquery>().step == 0ms);
  CHECK_FALSE(d->as<subquery>().step_expr);
}

TEST_CASE("duration expressions stay expressions in ranges, steps and offsets",
          "[promql][parser]") {
  auto m = parse_ok("foo[11s+10s-5*2^2]");
  const auto& range = m->as<matrix_selector>().range_expr;
  REQUIRE(range);
  CHECK(shape(*range) == "11s + 10s - 5 * 2 ^ 2");
  CHECK(range->as<duration_expr>().op == duration_op::sub);

  auto s = parse_ok("foo[4s+4s:1s*2] offset (5s-8)");
  const auto& sq = s->as<subquery>();
  REQUIRE(sq.range_expr);
  REQUIRE(sq.step_expr);
  REQUIRE(sq.offset_expr);
  CHECK(sq.offset_expr->as<duration_expr>().wrapped);
  CHECK(to_string(*s) == "foo[4s + 4s:1s * 2] offset (5s - 8)");

  auto step = parse_ok("foo[  -  step  (  )  ]");
  const auto& neg = step->as<matrix_selector>().range_expr->as<duration_expr>();
  CHECK(neg.op == duration_op::sub);
  CHECK_FALSE(neg.lhs);
  CHECK(neg.rhs->as<duration_expr>().op == duration_op::step);
  CHECK(neg.rhs->range == position_range{9, 19});

  auto minmax = parse_ok("foo[max(min(step()+1,1h),1ms)]");
  CHECK(minmax->as<matrix_selector>().range_expr->as<duration_expr>().op == duration_op::max);
  CHECK(to_string(*minmax) == "foo[max(min(step() + 1, 1h), 1ms)]");
}

TEST_CASE("aggregations take their modifier before or after the arguments", "[promql][parser]") {
  auto a = parse_ok("sum without (foo, bar) (some_metric)");
  CHECK(a->as<aggregate>().without);
  CHECK(a->as<aggregate>().grouping == std::vector<std::string>{"foo", "bar"});
  auto b = parse_ok("count_values by (x,) (\"value\", some_metric)");
  CHECK(b->as<aggregate>().op == aggregate_op::count_values);
  CHECK(b->as<aggregate>().param->is<string_literal>());
  auto c = parse_ok("topk(5, some_metric) by (a)");
  CHECK(c->as<aggregate>().param->as<number_literal>().value == 5);
  CHECK(c->range == position_range{0, 27});
  auto d = parse_ok("sum without(and, by, avg, count, alert, annotations)(some_metric)");
  CHECK(d->as<aggregate>().grouping.size() == 6);
  auto e = parse_ok(R"(sum by ("foo bar", 'baz')({"some.metric"}))");
  CHECK(e->as<aggregate>().grouping == std::vector<std::string>{"foo bar", "baz"});
}

TEST_CASE("binary operators carry bool and vector matching", "[promql][parser]") {
  auto e = parse_ok("foo / on(test,blub) group_left(bar) bar");
  const auto& b = e->as<binary>();
  REQUIRE(b.matching);
  CHECK(b.matching->on);
  CHECK(b.matching->card == cardinality::many_to_one);
  CHECK(b.matching->matching_labels == std::vector<std::string>{"test", "blub"});
  CHECK(b.matching->include == std::vector<std::string>{"bar"});

  auto set = parse_ok("foo and ignoring(x) bar");
  CHECK(set->as<binary>().matching->card == cardinality::many_to_many);

  auto cmp = parse_ok("foo == bool 1");
  CHECK(cmp->as<binary>().return_bool);
  CHECK_FALSE(cmp->as<binary>().matching);  // a scalar side needs no matching
}

TEST_CASE("numbers and strings follow Go's literal syntax", "[promql][parser]") {
  const std::vector<std::pair<std::string, double>> numbers{
      {"1", 1},        {".5", 0.5},   {"5.", 5},       {"5e-3", 0.005},
      {"0xc", 12},     {"0755", 493}, {"-0755", -493}, {"+5.5e-3", 0.0055},
      {"1_000", 1000}, {"5m", 300},   {"1h30m", 5400}};
  for (const auto& [text, value] : numbers) {
    INFO(text);
    CHECK(parse_ok(text)->as<number_literal>().value == value);
  }
  CHECK(std::isinf(parse_ok("+Inf")->as<number_literal>().value));
  CHECK(parse_ok("-inf")->as<number_literal>().value < 0);
  CHECK(std::isnan(parse_ok("NaN")->as<number_literal>().value));
  CHECK(parse_ok(R"("\a\b\f\n\r\t\v\\\" - \xFF\377\u1234\U00010111\U0001011111☺")")
            ->as<string_literal>()
            .value == "\a\b\f\n\r\t\v\\\" - \xFF\377\u1234\U00010111\U0001011111☺");
  CHECK(parse_ok("`\\a raw`")->as<string_literal>().value == "\\a raw");
}

TEST_CASE("every node records the bytes it came from", "[promql][parser]") {
  auto e = parse_ok(" +some_metric");
  CHECK(e->range == position_range{1, 13});
  CHECK(e->as<unary>().inner->range == position_range{2, 13});
  auto f = parse_ok("-1 + (foo offset 5m)");
  CHECK(f->as<binary>().lhs->range == position_range{0, 2});
  CHECK(f->as<binary>().rhs->range == position_range{5, 20});
  CHECK(f->as<binary>().rhs->as<paren>().inner->range == position_range{6, 19});
  auto g = parse_ok("rate(foo[5m] @ 10)");
  CHECK(g->range == position_range{0, 18});
  CHECK(g->as<call>().args[0]->range == position_range{5, 17});
}

TEST_CASE("syntax errors read as Prometheus's and point at the offending token",
          "[promql][parser][errors]") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"", "unknown position: parse error: no expression found in input"},
      {"# just a comment\n\n", "1:1: parse error: no expression found in input"},
      {"1+", "1:3: parse error: unexpected end of input"},
      {"1 /", "1:4: parse error: unexpected end of input"},
      {".", "1:1: parse error: unexpected character: '.'"},
      {"2.5.", R"(1:1: parse error: bad number or duration syntax: "2.5.")"},
      {"100..4", R"(1:1: parse error: bad number or duration syntax: "100..")"},
      {"0deadbeef", R"(1:1: parse error: bad number or duration syntax: "0de")"},
      {"*1", "1:1: parse error: unexpected <op:*>"},
      {"(1))", "1:5: parse error: unexpected right parenthesis ')'"},
      {"((1)", "1:5: parse error: unclosed left parenthesis"},
      {"(", "1:2: parse error: unclosed left parenthesis"},
      {"1 !~ 1", "1:3: parse error: unexpected character after '!': '~'"},
      {"1 =~ 1", "1:3: parse error: unexpected character after '=': '~'"},
      {"@@", "1:1: parse error: unexpected <op:@>"},
      {"a - on(b) ignoring(c) d", "1:11: parse error: unexpected <ignoring>"},
      {"foo + group_left(baz) bar", "1:7: parse error: unexpected <group_left>"},
      {"{", "1:2: parse error: unexpected end of input inside braces"},
      {"}", "1:1: parse error: unexpected character: '}'"},
      {"some}", "1:5: parse error: unexpected character: '}'"},
      {"some_metric{a=b}",
       R"(1:15: parse error: unexpected identifier "b" in label matching, expected string)"},
      {R"(some_metric{a:b="b"})", "1:14: parse error: unexpected character inside braces: ':'"},
      {R"(foo{a*"b"})", "1:6: parse error: unexpected character inside braces: '*'"},
      {"some_metric{a=\"\xff\"}", "1:15: parse error: invalid UTF-8 rune"},
      {"foo{gibberish}",
       R"(1:14: parse error: unexpected "}" in label matching, expected label matching operator)"},
      {"foo{1}", "1:5: parse error: unexpected character inside braces: '1'"},
      {"foo{__name__= =}",
       R"(1:15: parse error: unexpected "=" in label matching, expected string)"},
      {"foo{,}",
       R"(1:5: parse error: unexpected "," in label matching, expected identifier or "}")"},
      {R"(foo{__name__ == "bar"})",
       R"(1:15: parse error: unexpected "=" in label matching, expected string)"},
      {R"(foo{__name__="bar" lol})",
       R"(1:20: parse error: unexpected identifier "lol" in label matching, expected "," or "}")"},
      {R"(foo{"a"=})", R"(1:9: parse error: unexpected "}" in label matching, expected string)"},
      {"foo[5mm]", R"(1:5: parse error: bad number or duration syntax: "5mm")"},
      {"foo[5m:1m1]", R"(1:8: parse error: bad number or duration syntax: "1m1")"},
      {"foo[5y1hs]", R"(1:5: parse error: unknown unit "hs" in duration "5y1hs")"},
      {"foo[5m1h]", R"(1:5: parse error: not a valid duration string: "5m1h")"},
      {"foo[0m]", "1:5: parse error: duration must be greater than 0"},
      {"foo[-1]", "1:5: parse error: duration must be greater than 0"},
      {R"(foo["5m"])", R"(1:5: parse error: unexpected character in duration expression: '"')"},
      {"foo[]",
       R"(1:5: parse error: unexpected "]" in subquery or range selector, expected number, duration, or step())"},
      {"foo[step]",
       R"(1:9: parse error: unexpected "]" in subquery or range selector, expected number, duration, or step())"},
      {"foo[5m 5m]",
       R"(1:8: parse error: unexpected duration "5m" in subquery or range, expected ":" or "]")"},
      {"foo[5m:1m 5m]",
       R"(1:11: parse error: unexpected duration "5m" in subquery selector, expected "]")"},
      {"foo[5m:step]",
       R"(1:12: parse error: unexpected "]" in subquery selector, expected number, duration, or step() or "]")"},
      {"foo{bar=\"baz\"}[", "1:16: parse error: unexpected end of input in duration expression"},
      {"foo[5m", "1:7: parse error: unclosed left bracket"},
      {"foo[5s x 5s]", "1:8: parse error: unexpected character: 'x', expected ':'"},
      {"foo[5s s 5s]", "1:8: parse error: unexpected character: 's', expected ':'"},
      {"foo[step():1m]",
       "1:12: parse error: unexpected colon before duration in duration expression"},
      {"some_metric[5m] OFFSET 1mm", R"(1:24: parse error: bad number or duration syntax: "1mm")"},
      {"some_metric[5m] OFFSET",
       "1:23: parse error: unexpected end of input in offset, expected number, duration, or "
       "step()"},
      {"foo offset bar",
       R"(1:12: parse error: unexpected identifier "bar" in offset, expected number, duration, or step())"},
      {"some_metric[5m] @", "1:18: parse error: unexpected end of input in @, expected timestamp"},
      {"foo @ start", "1:12: parse error: unexpected end of input in @, expected timestamp"},
      {R"(sum by ("foo)(some_metric{}))", "1:9: parse error: unterminated quoted string"},
      {"sum without(==)(some_metric)",
       "1:13: parse error: unexpected <op:==> in grouping opts, expected label"},
      {"sum without(,)(some_metric)",
       R"(1:13: parse error: unexpected "," in grouping opts, expected label)"},
      {"sum without(foo,,)(some_metric)",
       R"(1:17: parse error: unexpected "," in grouping opts, expected label)"},
      {"sum by (a b)(x)",
       R"-(1:11: parse error: unexpected identifier "b" in grouping opts, expected "," or ")")-"},
      {"sum by (without)(x)",
       "1:9: parse error: unexpected <without> in grouping opts, expected label"},
      {"sum some_metric by (test)", R"(1:5: parse error: unexpected identifier "some_metric")"},
      {"sum (some_metric) by test",
       R"(1:22: parse error: unexpected identifier "test" in grouping opts, expected "(")"},
      {"sum by (a) foo", R"(1:12: parse error: unexpected identifier "foo" in aggregation)"},
      {"MIN keep_common (some_metric)", R"(1:5: parse error: unexpected identifier "keep_common")"},
      {"MIN (some_metric) keep_common",
       R"(1:19: parse error: unexpected identifier "keep_common")"},
      {"sum (some_metric) without (test) by (test)", "1:34: parse error: unexpected <by>"},
      {"sum without (test) (some_metric) by (test)", "1:34: parse error: unexpected <by>"},
      {"-=", R"(1:2: parse error: unexpected "=")"},
      {"++-++-+-+-<", "1:11: parse error: unexpected <op:<>"},
      {"e-+=/(0)", R"(1:4: parse error: unexpected "=")"},
      {"start()", R"(1:6: parse error: unexpected "(")"},
      {"end()", R"(1:4: parse error: unexpected "(")"},
      {"foo bar", R"(1:5: parse error: unexpected identifier "bar")"},
      {R"(foo "a long string literal")", R"(1:5: parse error: unexpected string "\"a long st"...)"},
      {"sum(", "1:5: parse error: unclosed left parenthesis"},
      {"sum(rate(", "1:10: parse error: unclosed left parenthesis"},
      {"rate(foo bar)", R"(1:10: parse error: unexpected identifier "bar")"},
      // Inside an aggregation's arguments the grammar recovers at the aggregation.
      {"sum(rate(foo bar))", R"(1:14: parse error: unexpected identifier "bar" in aggregation)"},
      {R"(sum by (__name__) (rate(^{env="1"}[10m])))",
       "1:25: parse error: unexpected <op:^> in aggregation"},
      {"sum(sum by (mode, job)(node_cpu) / on (job) group_um by (job)(node_cpu))",
       "1:54: parse error: unexpected <by> in aggregation"},
      {"sum(foo{a=b})",
       R"(1:11: parse error: unexpected identifier "b" in label matching, expected string)"},
      {"sum(foo offset bar)",
       R"(1:16: parse error: unexpected identifier "bar" in offset, expected number, duration, or step())"},
      {"label_replace(a, `b`, `c\xff`, `d`, `.*`)", "1:23: parse error: invalid UTF-8 rune"},
      {"`\\``", "1:4: parse error: unterminated raw string"},
      {R"("\)", "1:1: parse error: escape sequence not terminated"},
      {R"("\c")", "1:1: parse error: unknown escape sequence U+0063 'c'"},
      {R"("\x.")", "1:1: parse error: illegal character U+002E '.' in escape sequence"},
      {"foo\n  + \n bar baz", R"(3:6: parse error: unexpected identifier "baz")"},
  };
  for (const auto& [query, message] : cases) {
    INFO(query);
    CHECK(first_error(query) == message);
  }
}

TEST_CASE("semantic errors found while parsing keep Prometheus's wording",
          "[promql][parser][errors]") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"1 offset 1d",
       "1:1: parse error: offset modifier must be preceded by an instant vector selector or range "
       "vector selector or a subquery"},
      {"foo offset 1s offset 2s", "1:1: parse error: offset may not be set multiple times"},
      {"foo @ 1 @ 2", "1:1: parse error: @ <timestamp> may not be set multiple times"},
      {"some_metric OFFSET 1m[5m]", "1:22: parse error: no offset modifiers allowed before range"},
      {"some_metric @ 1234 [5m]", "1:20: parse error: no @ modifiers allowed before range"},
      {"(foo + bar)[5m]", "1:12: parse error: ranges only allowed for vector selectors"},
      {"rate(food[1m])[1h] offset 1h",
       "1:15: parse error: ranges only allowed for vector selectors"},
      {"rate(some_metric[5m]) @ 1234",
       "1:1: parse error: @ modifier must be preceded by an instant vector selector or range "
       "vector selector or a subquery"},
      {"foo @ +Inf", "1:1: parse error: timestamp out of bounds for @ modifier: +Inf"},
      {"foo @ -Inf", "1:1: parse error: timestamp out of bounds for @ modifier: -Inf"},
      {"foo @ NaN", "1:1: parse error: timestamp out of bounds for @ modifier: NaN"},
      {"foo @ 9223372036854775808",
       "1:1: parse error: timestamp out of bounds for @ modifier: 9223372036854775808.000000"},
      {"a>b()", R"(1:3: parse error: unknown function with name "b")"},
      {"non_existent_function_far_bar()",
       R"(1:1: parse error: unknown function with name "non_existent_function_far_bar")"},
      {"sum () by (test)", "1:1: parse error: no arguments for aggregate expression provided"},
      {"topk(some_metric)",
       "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, "
       "got 1"},
      {"sum(a, b)",
       "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, "
       "got 2"},
      {"topk(some_metric,)",
       "1:17: parse error: trailing commas not allowed in function call args"},
      {"foo[step()/0d]", "1:11: parse error: division by zero"},
      {"foo[5s/0d]", "1:7: parse error: division by zero"},
      {"foo offset (4d/0)", "1:15: parse error: division by zero"},
      {"foo[5s%0d]", "1:7: parse error: modulo by zero"},
      {"foo offset 9.5e10", "1:12: parse error: duration out of range"},
      {"foo[9.5e10]", "1:5: parse error: duration out of range"},
      {"foo[300y]", "1:5: parse error: duration out of range"},
      {"foo[99999999999999999999s]", "1:5: parse error: duration out of range"},
      {"foo[1m1m]", R"(1:5: parse error: not a valid duration string: "1m1m")"},
      {std::string(309, '9'),
       "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"" +
           std::string(309, '9') + "\": value out of range"},
      {R"(foo{a=~"(")", R"(1:5: parse error: invalid regular expression "(": missing ): ^(?:()$)"},
      {R"(sum by ("") (x))", R"(1:9: parse error: invalid label name for grouping: "")"},
  };
  for (const auto& [query, message] : cases) {
    INFO(query);
    CHECK(first_error(query) == message);
  }
}

TEST_CASE("feature flags gate experimental syntax as Prometheus's do", "[promql][parser]") {
  parse_options plain;
  CHECK(first_error("limitk(1, x)", plain) ==
        "1:1: parse error: limitk() is experimental and must be enabled with "
        "--enable-feature=promql-experimental-functions");
  CHECK(first_error("sort_by_label(x, \"a\")", plain) ==
        R"(1:1: parse error: function "sort_by_label" is not enabled)");
  CHECK(first_error("foo[5m+1m]", plain) ==
        "1:5: parse error: experimental duration expression is not enabled");
  CHECK(first_error("foo offset (1h)", plain) ==
        "1:13: parse error: experimental duration expression is not enabled");
  CHECK(first_error("foo[5m] anchored", plain) ==
        "1:1: parse error: anchored modifier is experimental and not enabled");
  CHECK(first_error("foo smoothed", plain) ==
        "1:1: parse error: smoothed modifier is experimental and not enabled");
  // step(), min() and max() of durations need no flag.
  CHECK(first_error("foo[step()] offset -min(1m, step())", plain).empty());
  CHECK(first_error("rate(foo[5m])", plain).empty());

  CHECK(first_error("foo[5m] anchored smoothed") ==
        "1:1: parse error: anchored and smoothed modifiers cannot be used together");
  CHECK(first_error("foo[5m:] anchored") ==
        "1:1: parse error: anchored modifier is not supported for subqueries");
  CHECK(first_error("(foo) smoothed") == "1:1: parse error: smoothed modifier not implemented");
}

TEST_CASE("queries nested deeper than the limit are refused, not recursed into",
          "[promql][parser]") {
  std::string deep = std::string(5000, '(') + "1" + std::string(5000, ')');
  CHECK(first_error(deep).find("expression nested too deeply (more than 1000 levels)") !=
        std::string::npos);
  std::string chain = "a";
  for (int i = 0; i < 3000; ++i) chain += " or a";
  CHECK(first_error(chain).find("nested too deeply") != std::string::npos);
  parse_options generous = everything;
  generous.max_depth = 10000;
  CHECK(first_error(chain, generous).empty());
  CHECK(first_error(std::string(200, '(') + "1" + std::string(200, ')')).empty());
}

TEST_CASE("parse_selector accepts a metric selector and nothing else", "[promql][parser]") {
  auto r = parse_selector(R"(up{job="x", instance=~"a|b"})");
  REQUIRE(r.ok());
  REQUIRE(r.value->size() == 3);
  CHECK((*r.value)[0].to_string() == R"(job="x")");
  CHECK((*r.value)[1].to_string() == R"(instance=~"a|b")");
  CHECK((*r.value)[2].to_string() == R"(__name__="up")");

  auto braces = parse_selector(R"({__name__=~"a.*"})");
  REQUIRE(braces.ok());
  CHECK(braces.value->size() == 1);
  // Selecting everything is for the caller to refuse.
  CHECK(parse_selector("{}").ok());
  CHECK(parse_selector("sum").ok());

  auto trailing = parse_selector("up offset 5m");
  REQUIRE_FALSE(trailing.ok());
  CHECK(trailing.errors.front().to_string() == "1:4: parse error: unexpected <offset>");
  CHECK(parse_selector("rate(x[5m])").errors.front().message == R"(unexpected "(")");
  CHECK(parse_selector("1").errors.front().message == R"(unexpected number "1")");
  CHECK(parse_selector(R"(up{a=~"("})").errors.front().message.find("invalid regular") == 0);
  auto e = std::move(parse_selector("{").to_expected());
  REQUIRE_FALSE(e);
  CHECK(e.error_value().code == vigil::errc::parse_error);
  CHECK(e.error_value().message == "1:2: parse error: unexpected end of input inside braces");
}

TEST_CASE("parse errors expose line, column and byte range", "[promql][parser][errors]") {
  auto r = parse_expr("sum(\n  rate(x[5m]) +\n)");
  REQUIRE_FALSE(r.ok());
  const auto& e = r.errors.front();
  CHECK(e.message == R"-(unexpected ")" in aggregation)-");
  CHECK(e.range == position_range{21, 22});
  REQUIRE(e.where);
  CHECK(e.where->line == 3);
  CHECK(e.where->column == 1);
  auto expected = std::move(r).to_expected();
  REQUIRE_FALSE(expected);
  CHECK(expected.error_value().message == R"-(3:1: parse error: unexpected ")" in aggregation)-");
}
