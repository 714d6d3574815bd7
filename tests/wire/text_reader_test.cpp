// The Prometheus text format 0.0.4 through exposition_parser.

#include "runtime/wire/text_reader.hpp"

#include <catch2/catch.hpp>

#include "tests/wire/parse_helpers.hpp"

using namespace vigil::wire;
using namespace vigil::wire::test;

TEST_CASE("a node_exporter-like text exposition parses entry by entry", "[text]") {
  const auto p = parse_text(
      "# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n"
      "# TYPE node_cpu_seconds_total counter\n"
      "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 1.2345e+06\n"
      "node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 42 1700000000000\n"
      "# A free-form comment\n"
      "\n"
      "# HELP http_request_duration_seconds Latency.\n"
      "# TYPE http_request_duration_seconds histogram\n"
      "http_request_duration_seconds_bucket{le=\"0.1\"} 3\n"
      "http_request_duration_seconds_bucket{le=\"+Inf\"} 5\n"
      "http_request_duration_seconds_sum 1.5\n"
      "http_request_duration_seconds_count 5\n"
      "# TYPE rpc summary\n"
      "rpc{quantile=\"0.99\"} NaN\n"
      "rpc_sum -Inf\n"
      "rpc_count +Inf\n"
      "untyped_thing{empty=\"\"} 7\n");
  CHECK(p.error.empty());
  CHECK(p.entries == entries{
                         "help node_cpu_seconds_total: Seconds the CPUs spent in each mode.",
                         "type node_cpu_seconds_total counter",
                         "series node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 1234500",
                         "series node_cpu_seconds_total{cpu=\"0\",mode=\"user\"} 42 @1700000000000",
                         "comment A free-form comment",
                         "help http_request_duration_seconds: Latency.",
                         "type http_request_duration_seconds histogram",
                         "series http_request_duration_seconds_bucket{le=\"0.1\"} 3",
                         "series http_request_duration_seconds_bucket{le=\"+Inf\"} 5",
                         "series http_request_duration_seconds_sum 1.5",
                         "series http_request_duration_seconds_count 5",
                         "type rpc summary",
                         "series rpc{quantile=\"0.99\"} NaN",
                         "series rpc_sum -Inf",
                         "series rpc_count +Inf",
                         "series untyped_thing{empty=\"\"} 7",
                     });
}

TEST_CASE("the text format is lenient about blanks, commas, CRLF and the last newline", "[text]") {
  CHECK(parse_text("  a { b = \"1\" , c=\"2\", } \t 3 \t 4 \t\r\n\n\t\nb 5").entries ==
        entries{"series a{b=\"1\",c=\"2\"} 3 @4", "series b 5"});
  CHECK(parse_text("a{b=\"1\"}2\r\n").entries == entries{"series a{b=\"1\"} 2"});
  CHECK(parse_text("a{} 1\n").entries == entries{"series a 1"});
  CHECK(parse_text("# TYPE a counter \t\r\n").entries == entries{"type a counter"});
  CHECK(parse_text("").entries.empty());
  CHECK(parse_text("\n\n  \n").entries.empty());
}

TEST_CASE("label values and help texts resolve the text format's escapes", "[text]") {
  CHECK(parse_text("a{b=\"x\\\\y\\\"z\\nw\"} 1\n").entries ==
        entries{"series a{b=\"x\\\\y\\\"z\\nw\"} 1"});
  CHECK(parse_text("# HELP a one\\\\two\\nthree \"quoted\"\n").entries ==
        entries{"help a: one\\\\two\\nthree \\\"quoted\\\""});
  CHECK(parse_text("a{b=\"snow ☃ and \\\"#\\\" {}\"} 1\n").entries ==
        entries{"series a{b=\"snow ☃ and \\\"#\\\" {}\"} 1"});
}

TEST_CASE("UTF-8 metric and label names can be quoted inside the braces", "[text]") {
  CHECK(parse_text("{\"my.metric\", \"a.b\"=\"c\"} 1\n").entries ==
        entries{"series my.metric{a.b=\"c\"} 1"});
  CHECK(parse_text("{\"a.b\"=\"c\", \"my.metric\"} 1\n").entries ==
        entries{"series my.metric{a.b=\"c\"} 1"});
  CHECK(parse_text("my_metric{\"läbel\"=\"v\"} 1\n").entries ==
        entries{"series my_metric{läbel=\"v\"} 1"});
  CHECK(parse_text("{\"quo\\\"ted\"} 1\n").entries == entries{"series quo\"ted 1"});
  CHECK(parse_text("# HELP \"my.metric\" Help.\n# TYPE \"my.metric\" gauge\n").entries ==
        entries{"help my.metric: Help.", "type my.metric gauge"});
}

TEST_CASE("comments are any '#' line that is not HELP or TYPE metadata", "[text]") {
  CHECK(parse_text("#\n#comment\n# HELP\n#HELP a b\n# EOF\n# UNIT a s\n").entries ==
        entries{"comment ", "comment comment", "comment HELP", "comment HELP a b", "comment EOF",
                "comment UNIT a s"});
  CHECK(parse_text("# HELP a\n").entries == entries{"help a: "});
}

TEST_CASE("a series takes the type of the TYPE line of its family", "[text]") {
  exposition_parser parser{
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\nh 1\n"
      "h_total 1\n# TYPE s summary\ns 1\ns_bucket 1\n",
      exposition_format::prometheus_text};
  std::vector<metric_type> types;
  for (auto e = parser.next(); e && *e != entry_kind::eof; e = parser.next())
    if (*e == entry_kind::series) types.push_back(parser.type());
  using enum metric_type;
  CHECK(types == std::vector<metric_type>{histogram, histogram, histogram, histogram, unknown,
                                          summary, unknown});
}

TEST_CASE("values use Go's float syntax and timestamps are integer milliseconds", "[text]") {
  CHECK(parse_text("a 1e3 -5\nb .5 +5\nc 5. 0\nd -0 9223372036854775807\n").entries ==
        entries{"series a 1000 @-5", "series b 0.5 @5", "series c 5 @0",
                "series d -0 @9223372036854775807"});
  CHECK(parse_text("a Infinity\nb -inf\nc nan\n").entries ==
        entries{"series a +Inf", "series b -Inf", "series c NaN"});
}

TEST_CASE("text-format syntax errors name line, column and the problem", "[text][errors]") {
  auto error = [](std::string_view body) { return parse_text(body).error; };
  CHECK(error("a 1\nup{job \"x\"} 1\n") ==
        "line 2, column 8: expected '=' after label name \"job\" near \"up{job \\\"x\\\"} 1\"");
  CHECK(
      error("a{b=\"c} 1\n") ==
      "line 1, column 5: unterminated label value: missing the closing '\"' near \"a{b=\\\"c} 1\"");
  CHECK(
      error("a{b=\"c\\td\"} 1\n") ==
      "line 1, column 7: invalid escape sequence \"\\t\" in label value (only \\\\, \\\" and \\n) "
      "near \"a{b=\\\"c\\\\td\\\"} 1\"");
  CHECK(error("# HELP a say \\\"hi\\\"\n") ==
        "line 1, column 14: invalid escape sequence \"\\\"\" in help text (only \\\\ and \\n) near "
        "\"... HELP a say \\\\\\\"hi\\\\\\\"\"");
  CHECK(error("# HELP a trailing \\\n") ==
        "line 1, column 19: help text ends with a lone backslash near \"... a trailing \\\\\"");
  CHECK(error("a{b=\"\xff\"} 1\n") ==
        "line 1, column 5: label value is not valid UTF-8 near \"a{b=\\\"\xff\\\"} 1\"");
  CHECK(error("# HELP a \xc0\xaf\n") ==
        "line 1, column 10: help text is not valid UTF-8 near \"# HELP a \xc0\xaf\"");
  CHECK(error("a{b=\"1\",c=\"2\",b=\"3\"} 1\n") ==
        "line 1, column 15: duplicate label name \"b\" near "
        "\"...b=\\\"1\\\",c=\\\"2\\\",b=\\\"3\\\"} 1\"");
  CHECK(error("a{__name__=\"b\"} 1\n") ==
        "line 1, column 3: label \"__name__\" repeats the metric name near \"a{__name__=\\\"b\\\"} "
        "1\"");
  CHECK(error("{b=\"c\"} 1\n") ==
        "line 1, column 1: the label set names no metric near \"{b=\\\"c\\\"} 1\"");
  CHECK(error("a{\"b\"} 1\n") ==
        "line 1, column 3: the metric name is given twice near \"a{\\\"b\\\"} 1\"");
  CHECK(error("{\"\"} 1\n") == "line 1, column 2: empty metric name near \"{\\\"\\\"} 1\"");
  CHECK(error("a{\"\"=\"x\"} 1\n") ==
        "line 1, column 5: empty label name near \"a{\\\"\\\"=\\\"x\\\"} 1\"");
  CHECK(error("a-b 1\n") ==
        "line 1, column 2: unexpected '-' after metric name \"a\" (quote other names inside the "
        "braces: {\"a.b\"}) near \"a-b 1\"");
  CHECK(error("a{1b=\"c\"} 1\n") ==
        "line 1, column 3: expected a label name near \"a{1b=\\\"c\\\"} 1\"");
  CHECK(error("a{b=\"c\" d=\"e\"} 1\n") ==
        "line 1, column 9: expected ',' or '}' after label \"b\" near \"a{b=\\\"c\\\" d=\\\"e\\\"} "
        "1\"");
  CHECK(error("a{b=\"c\"\n") ==
        "line 1, column 8: expected ',' or '}' after label \"b\" near \"a{b=\\\"c\\\"\"");
  CHECK(error("\n\n   a\n") == "line 3, column 5: expected a value near \"   a\"");
  CHECK(error("0a 1\n") == "line 1, column 1: expected a metric name near \"0a 1\"");
}

TEST_CASE("text-format value, timestamp and metadata errors", "[text][errors]") {
  auto error = [](std::string_view body) { return parse_text(body).error; };
  CHECK(error("a 0x1\n") == "line 1, column 3: invalid value \"0x1\": not a number near \"a 0x1\"");
  CHECK(error("a 1_000\n") ==
        "line 1, column 3: invalid value \"1_000\": not a number near \"a 1_000\"");
  CHECK(error("a 1e400\n") ==
        "line 1, column 3: invalid value \"1e400\": out of the float64 range near \"a 1e400\"");
  CHECK(error("a 1 1.5\n") ==
        "line 1, column 5: invalid timestamp \"1.5\": not an integer (milliseconds) near \"a 1 "
        "1.5\"");
  CHECK(error("a 1 NaN\n") ==
        "line 1, column 5: invalid timestamp \"NaN\": not an integer (milliseconds) near \"a 1 "
        "NaN\"");
  CHECK(error("a 1 9223372036854775808\n") ==
        "line 1, column 5: invalid timestamp \"9223372036854775808\": out of the int64 range "
        "(milliseconds) near \"a 1 9223372036854775808\"");
  CHECK(error("a 1 2 3\n") ==
        "line 1, column 7: unexpected text after the timestamp near \"a 1 2 3\"");
  CHECK(error("# TYPE a gaugehistogram\n") ==
        "line 1, column 10: unknown metric type \"gaugehistogram\" (counter, gauge, histogram, "
        "summary or untyped) near \"# TYPE a gaugehistogram\"");
  CHECK(error("# TYPE a\n") ==
        "line 1, column 9: expected a metric type after the metric name near \"# TYPE a\"");
  CHECK(error("# TYPE  \n") == "line 1, column 9: expected a metric name near \"# TYPE  \"");
  CHECK(error("# HELP a.b x\n") ==
        "line 1, column 9: expected a blank after the metric name near \"# HELP a.b x\"");
}
