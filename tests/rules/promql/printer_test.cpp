#include "rules/promql/printer.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/rules/promql/test_util.hpp"

using namespace vigil::promql;
using vigil::promql::test::everything;
using vigil::promql::test::reprint;

TEST_CASE("queries print as Prometheus's String() prints them", "[promql][printer]") {
  // {input, expected output}; an empty output means "same as the input".
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"(sum by() (task:errors:rate10s{job="s"}))", R"(sum(task:errors:rate10s{job="s"}))"},
      {R"(sum by(code) (task:errors:rate10s{job="s"}))",
       R"(sum by (code) (task:errors:rate10s{job="s"}))"},
      {R"(sum without() (task:errors:rate10s{job="s"}))",
       R"(sum without () (task:errors:rate10s{job="s"}))"},
      {R"(sum by("foo.bar") (x{job="s"}))", R"(sum by ("foo.bar") (x{job="s"}))"},
      {R"(SUM(x) BY (job))", "sum by (job) (x)"},
      {R"(topk(5, task:errors:rate10s{job="s"}))", ""},
      {R"(count_values("value", task:errors:rate10s{job="s"}))", ""},
      {"a - on() c", "a - on () c"},
      {"a - on(b) group_left(x, y) c", "a - on (b) group_left (x, y) c"},
      {"a - on(b) group_left c", "a - on (b) group_left () c"},
      {"a - on(b) group_left() (c)", "a - on (b) group_left () (c)"},
      {"a - ignoring(b) c", "a - ignoring (b) c"},
      {"a - ignoring() c", "a - c"},
      {"a - ignoring() group_left c", "a - ignoring () group_left () c"},
      {"up > bool 0", ""},
      {"a offset 1m", ""},
      {"a offset -7m", ""},
      {R"(a{c="d"}[5m] offset 1m)", ""},
      {"a[1h:5m] offset 1m", ""},
      {"a anchored", ""},
      {R"(a{b="c"}[5m] anchored @ start() offset 1m)", ""},
      {R"(a{b="c"}[5m] smoothed offset 1m)", ""},
      {R"({__name__="a"})", ""},
      {R"(a{b!~"c"}[1m])", ""},
      {"a @ 10", "a @ 10.000"},
      {"a[1m] @ 10", "a[1m] @ 10.000"},
      {"a @ -1.5", "a @ -1.500"},
      {"a @ end()", ""},
      {R"({__name__="",a="x"})", ""},
      {R"({"a.b"="c"})", ""},
      {R"({"0"="1"})", ""},
      {R"({"_0"="1"})", R"({_0="1"})"},
      {R"({""="0"})", ""},
      {"{``=\"0\"}", R"({""="0"})"},
      {"1048576", ""},
      {"foo[step()]", ""},
      {"foo[-(step())]", ""},
      {"foo offset -step()", ""},
      {"foo offset +(5*2)", "foo offset (5 * 2)"},
      {"foo offset +min(10s, 20s)", "foo offset min(10s, 20s)"},
      {"foo offset -min(10s, +max(step() ^ 2, 2))", "foo offset -min(10s, max(step() ^ 2, 2))"},
      {"foo[200-min(-step()^+step(),1)]", "foo[200 - min(-step() ^ step(), 1)]"},
      {"predict_linear(foo[1h], 3000)", ""},
      {R"(foo{b="2", a="1"})", R"(foo{a="1",b="2"})"},
      {"foo[90s]", "foo[1m30s]"},
      {"foo[90d]", ""},
      {"foo[1w1d]", "foo[8d]"},
      {"foo[371d]", "foo[53w]"},
      {"foo[730d] offset -8d12h", "foo[2y] offset -8d12h"},
      {"foo[1y1d]", "foo[366d]"},
      {"foo[1.5]", "foo[1s500ms]"},
      {"1e3 + 0.5e-3 + 5.", "1000 + 0.0005 + 5"},
      {"-Inf + NaN", "-Inf + NaN"},
      {"inf + 1", "+Inf + 1"},
      {"x - Inf ^ 2", "x - Inf ^ 2"},
      {"5m + -5m", ""},
      {"count_values(`\\n`, x)", R"(count_values("\\n", x))"},
      {"count_values('it\\'s', x)", R"(count_values("it's", x))"},
      {R"(label_replace(x, "a\tb", 'q"', "", "é\x01"))",
       R"(label_replace(x, "a\tb", "q\"", "", "é\x01"))"},
      {R"(sum by (a:b, "without", "nan") (x))", ""},
      {"- - foo", "--foo"},
      {"+foo", ""},
      {"(((foo)))", ""},
  };
  for (const auto& [in, out] : cases) {
    INFO(in);
    CHECK(reprint(in) == (out.empty() ? in : out));
  }
}

TEST_CASE("printing then parsing gives the same tree", "[promql][printer]") {
  const std::vector<std::string> queries{
      R"(sum by (job) (rate(x{a="b"}[5m] offset 1m)))",
      R"(max( 100 * (1 - avg by(instance) (irate(node_cpu_seconds_total{instance=~".*cust01.prd.*",mode="idle"}[86400s])))))",
      R"(http_requests_total{job="api-server", group="canary"} + rate(http_requests_total{job="api-server"}[10m]) * 5 * 60)",
      R"(sum by (pod) ((kube_pod_container_status_restarts_total{namespace="m"} - kube_pod_container_status_restarts_total{namespace="m"} offset 10m) >= 1 and ignoring (reason) min_over_time(kube_pod_container_status_last_terminated_reason{reason="OOMKilled"}[10m]) == 1))",
      R"-(label_replace(testmetric, "dst", "destination-value-$1", "src", "source-value-(.*)"))-",
      "-1^2",
      "2 ^ -1 ^ 2",
      "-(1) * -foo",
      "1 - -1",
      "-0",
      "a atan2 b",
      "foo offset 5s-8",
      "metric offset (2 * 2) + 1",
      "metric offset (1h) * 2",
      "foo offset - -5m * 2",
      "foo offset (-5m) + 1m",
      "foo offset -(1^2)",
      "foo offset (-1^2)",
      "foo[11s+10s-5*2^2]",
      "foo[-(10s-5s)+20s]",
      "foo[0+-2^2:(step())]",
      "foo[4s+4s:1s*2] offset (5s-8)",
      "count_over_time(m[((max(min((step()+1),((1h))),1ms)))])",
      "a[5m] anchored",
      "a anchored [5m]",
      "a smoothed offset 1m @ 10",
      R"(foo @ 1603774568 [5m:] @ start() offset -1w)",
      "foo[5m:1m] offset 1d",
      "foo @ 0xA",
      "foo[5m:] @ end()",
      "x offset 0",
      R"(topk by (a) (5, sum without (b) (x)) or bottomk(3, y) unless quantile(0.9, z))",
      R"(count_values("v", x) > bool on (a) group_right (b, "c.d") y)",
      R"(limitk(2, x) + limit_ratio(-0.5, y))",
      R"(sort_by_label(x, "a", "b") and info(x, {k8s_cluster_name=~".+"}))",
      "1 < bool 2 - 1 * 2",
      "(foo + bar or bla and blub)",
      R"({'foo\'bar', 'a\\dos\\path'='boo\\urns'})",
      R"({"my.metric", "a.b"="c\n\u00e9"})",
      R"(sum by ("foo bar", 'baz')({"some.metric"}))",
      "sum without(and, by, avg, count, alert, annotations)(some_metric) [30m:10s]",
      "min_over_time(rate(foo{bar=\"baz\"}[2s])[5m:] offset 4m)[4m:3s]",
      "absent(nonexistent{job=\"myjob\",instance=~\".*\"})",
      "days_in_month() + scalar(x) + time() + pi()",
      "histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))",
      "double_exponential_smoothing(x[10m], 0.5, 0.5)",
      "1e-300 * 123456789.123456789 / 1e300",
  };
  for (const auto& query : queries) {
    INFO(query);
    auto first = parse_expr(query, everything);
    REQUIRE(first.ok());
    std::string printed = to_string(**first.value);
    INFO(printed);
    auto second = parse_expr(printed, everything);
    REQUIRE(second.ok());
    CHECK(same_tree(**first.value, **second.value));
    CHECK(to_string(**second.value) == printed);
  }
}
