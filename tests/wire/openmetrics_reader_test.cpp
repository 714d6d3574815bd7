// OpenMetrics 1.0 through exposition_parser: the details a scraper uses
// (exemplars, created timestamps, units, statesets, info) and the errors of
// the line structure.

#include "runtime/wire/openmetrics_reader.hpp"

#include <catch2/catch.hpp>

#include "tests/wire/parse_helpers.hpp"

using namespace vigil;
using namespace vigil::wire;
using namespace vigil::wire::test;

namespace {

// Advances `parser` to its next series entry.
void next_series(exposition_parser& parser) {
  for (;;) {
    auto entry = parser.next();
    REQUIRE(entry);
    REQUIRE(*entry != entry_kind::eof);
    if (*entry == entry_kind::series) return;
  }
}

}  // namespace

TEST_CASE("OpenMetrics metadata, samples and timestamps in seconds", "[openmetrics]") {
  const auto p = parse_om(
      "# TYPE acme_http_router_request_seconds summary\n"
      "# UNIT acme_http_router_request_seconds seconds\n"
      "# HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.\n"
      "acme_http_router_request_seconds_sum{path=\"/api/v1\",method=\"GET\"} 9036.32\n"
      "acme_http_router_request_seconds_count{path=\"/api/v1\",method=\"GET\"} 807283.0\n"
      "# TYPE foo gauge\n"
      "foo 17.0 1520879607.789\n"
      "foo 18.0 1520879608\n"
      "# EOF\n");
  CHECK(p.error.empty());
  CHECK(p.entries ==
        entries{
            "type acme_http_router_request_seconds summary",
            "unit acme_http_router_request_seconds: seconds",
            "help acme_http_router_request_seconds: Latency though all of ACME's HTTP request "
            "router.",
            "series acme_http_router_request_seconds_sum{path=\"/api/v1\",method=\"GET\"} 9036.32",
            "series acme_http_router_request_seconds_count{path=\"/api/v1\",method=\"GET\"} 807283",
            "type foo gauge",
            "series foo 17 @1520879607789",
            "series foo 18 @1520879608000",
        });
}

TEST_CASE("exemplars of counters and buckets carry labels, value and timestamp", "[openmetrics]") {
  exposition_parser parser{
      "# TYPE foo histogram\n"
      "foo_bucket{le=\"0.01\"} 0\n"
      "foo_bucket{le=\"0.1\"} 8 # {} 0.054\n"
      "foo_bucket{le=\"10\"} 17 # {trace_id=\"oHg5SJYRHA0\",span=\"a\\\"b\"} 9.8 1520879607.789\n"
      "foo_bucket{le=\"+Inf\"} 17\n"
      "# TYPE bar counter\n"
      "bar_total 3 # {id=\"x\"} 1\n"
      "# EOF\n",
      exposition_format::openmetrics};
  label_buffer labels;
  next_series(parser);
  CHECK_FALSE(parser.exemplar(labels));
  next_series(parser);
  auto empty = parser.exemplar(labels);
  REQUIRE(empty);
  CHECK(empty->labels.empty());
  CHECK(empty->value == 0.054);
  CHECK_FALSE(empty->time);
  next_series(parser);
  auto full = parser.exemplar(labels);
  REQUIRE(full);
  CHECK(std::vector<label_view>(full->labels.begin(), full->labels.end()) ==
        std::vector<label_view>{{"trace_id", "oHg5SJYRHA0"}, {"span", "a\"b"}});
  CHECK(full->value == 9.8);
  CHECK(full->time == 1520879607789);
  next_series(parser);
  CHECK_FALSE(parser.exemplar(labels));
  next_series(parser);
  CHECK(parser.exemplar(labels)->labels[0] == label_view{"id", "x"});
}

TEST_CASE("created timestamps are found ahead for the sample's metric", "[openmetrics]") {
  exposition_parser parser{
      "# TYPE c counter\n"
      "c_total{a=\"1\"} 1\n"
      "c_created{a=\"1\"} 1520430000.123\n"
      "c_total{a=\"2\"} 2\n"
      "# TYPE h histogram\n"
      "h_bucket{x=\"y\",le=\"1\"} 0\n"
      "h_bucket{x=\"y\",le=\"+Inf\"} 2\n"
      "h_count{x=\"y\"} 2\n"
      "h_sum{x=\"y\"} 1\n"
      "h_created{x=\"y\"} 1.5e9\n"
      "# TYPE s summary\n"
      "s_created 12\n"
      "s{quantile=\"0.5\"} 1\n"
      "# TYPE g gauge\n"
      "g 1\n"
      "# EOF\n",
      exposition_format::openmetrics};
  std::vector<std::optional<timestamp>> created;
  for (int i = 0; i < 11; ++i) {
    next_series(parser);
    created.push_back(parser.created());
  }
  const std::optional<timestamp> none;
  CHECK(created == std::vector<std::optional<timestamp>>{
                       1520430000123, 1520430000123, none,  // c: its own _created, then none
                       1500000000000, 1500000000000, 1500000000000, 1500000000000,
                       1500000000000,         // h, found from the first bucket on
                       12000, 12000, none});  // s: _created before its quantile; g: none
}

TEST_CASE("units, statesets and info metrics", "[openmetrics]") {
  CHECK(parse_om("# TYPE cc_seconds counter\n# UNIT cc_seconds seconds\n"
                 "cc_seconds_total 1.0\ncc_seconds_created 123.456\n# EOF\n")
            .entries == entries{"type cc_seconds counter", "unit cc_seconds: seconds",
                                "series cc_seconds_total 1", "series cc_seconds_created 123.456"});
  CHECK(parse_om(
            "# TYPE foo stateset\nfoo{entity=\"controller\",foo=\"a\"} 1.0\n"
            "foo{entity=\"controller\",foo=\"bb\"} 0\nfoo{entity=\"replica\",foo=\"a\"} 0\n# EOF\n")
            .entries == entries{"type foo stateset",
                                "series foo{entity=\"controller\",foo=\"a\"} 1",
                                "series foo{entity=\"controller\",foo=\"bb\"} 0",
                                "series foo{entity=\"replica\",foo=\"a\"} 0"});
  CHECK(parse_om("# TYPE foo info\nfoo_info{name=\"pretty name\",version=\"8.2.7\"} 1\n# EOF")
            .entries ==
        entries{"type foo info", "series foo_info{name=\"pretty name\",version=\"8.2.7\"} 1"});
  CHECK(parse_om("# TYPE foo stateset\nfoo{foo=\"a\"} 0.5\n# EOF\n").error ==
        "line 2, column 14: a stateset sample's value must be 0 or 1 near \"...oo{foo=\\\"a\\\"} "
        "0.5\"");
  CHECK(parse_om("# TYPE foo info\n# UNIT foo s\n# EOF\n").error ==
        "line 2, column 12: the unit \"s\" must end the family name \"foo\" after a '_' near "
        "\"# UNIT foo s\"");
}

TEST_CASE("OpenMetrics keeps undefined escapes and quoted UTF-8 names", "[openmetrics]") {
  CHECK(parse_om("# HELP a one\\ttwo \\\"x\\\"\na{b=\"c\\zd\\n\"} 1\n# EOF\n").entries ==
        entries{"help a: one\\\\ttwo \\\"x\\\"", "series a{b=\"c\\\\zd\\n\"} 1"});
  CHECK(parse_om("{\"a.b\",\"c.d\"=\"e\"} 1\n# EOF\n").entries ==
        entries{"series a.b{c.d=\"e\"} 1"});
}

TEST_CASE("OpenMetrics line structure errors", "[openmetrics][errors]") {
  auto error = [](std::string_view body) { return parse_om(body).error; };
  CHECK(error("a 1\n") == "line 2, column 1: missing \"# EOF\" at the end");
  CHECK(error("a 1") == "line 2, column 1: missing \"# EOF\" at the end");
  CHECK(error("a 1\n\n# EOF\n") == "line 2, column 1: blank line");
  CHECK(error("a 1\r\n# EOF\n") ==
        "line 1, column 4: carriage return before the line feed (lines end with \\n alone) near "
        "\"a 1\\x0d\"");
  CHECK(error("# EOF\n\n") == "line 2, column 1: text after \"# EOF\"");
  CHECK(error("# EOF\nb 1\n") == "line 2, column 1: text after \"# EOF\" near \"b 1\"");
  CHECK(error("# comment\n# EOF\n") ==
        "line 1, column 1: only # TYPE, # HELP, # UNIT and # EOF lines may start with '#' near "
        "\"# comment\"");
  CHECK(error("a{b=\"c\",} 1\n# EOF\n") ==
        "line 1, column 9: expected a label name near \"a{b=\\\"c\\\",} 1\"");
  CHECK(
      error("a {b=\"c\"} 1\n# EOF\n") ==
      "line 1, column 3: invalid value \"{b=\\\"c\\\"}\": not a number near \"a {b=\\\"c\\\"} 1\"");
  CHECK(error("a 1 1 # {x=\"y\"} 1\n# EOF\n") ==
        "line 1, column 7: exemplars are only allowed on counter totals and histogram buckets "
        "near \"a 1 1 # {x=\\\"y\\\"} 1\"");
  CHECK(error("# TYPE a counter\na_total 1 # {\"x\"} 1\n# EOF\n") ==
        "line 2, column 17: expected '=' after label name \"x\" near \"...tal 1 # {\\\"x\\\"} 1\"");
}
