#include "runtime/wire/exposition_parser.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace vigil;
using namespace vigil::wire;

TEST_CASE("errors are sticky and eof repeats", "[exposition_parser]") {
  exposition_parser bad{"a 1\nb x\nc 1\n", exposition_format::prometheus_text};
  REQUIRE(bad.next());
  auto first = bad.next();
  REQUIRE_FALSE(first);
  CHECK(first.error_value().code == errc::parse_error);
  CHECK(bad.next().error_value() == first.error_value());
  exposition_parser good{"a 1\n", exposition_format::prometheus_text};
  CHECK(*good.next() == entry_kind::series);
  CHECK(*good.next() == entry_kind::eof);
  CHECK(*good.next() == entry_kind::eof);
}

TEST_CASE("labels start with __name__ and outlive the next entry", "[exposition_parser]") {
  const std::string body = "{\"my\\\"metric\",job=\"a\\nb\",instance=\"h:9100\"} 1\nother 2\n";
  exposition_parser parser{body, exposition_format::prometheus_text};
  label_buffer labels;
  REQUIRE(*parser.next() == entry_kind::series);
  CHECK(parser.series() == "{\"my\\\"metric\",job=\"a\\nb\",instance=\"h:9100\"}");
  CHECK(parser.metric_name() == "my\"metric");
  parser.labels(labels);
  REQUIRE(*parser.next() == entry_kind::series);
  CHECK(
      std::vector<label_view>(labels.begin(), labels.end()) ==
      std::vector<label_view>{{"__name__", "my\"metric"}, {"job", "a\nb"}, {"instance", "h:9100"}});
}

TEST_CASE("the text format has no exemplars or created timestamps", "[exposition_parser]") {
  exposition_parser parser{"# TYPE a counter\na_total 1\na_created 5\n",
                           exposition_format::prometheus_text};
  label_buffer labels;
  REQUIRE(*parser.next() == entry_kind::type);
  CHECK(parser.metric_name() == "a");
  CHECK(parser.type() == metric_type::counter);
  CHECK(parser.text() == "counter");
  REQUIRE(*parser.next() == entry_kind::series);
  CHECK_FALSE(parser.exemplar(labels));
  CHECK_FALSE(parser.created());
  CHECK_FALSE(parser.time());
}

TEST_CASE("a steady scrape sees the same series bytes every time", "[exposition_parser]") {
  const std::string first = "a{b=\"1\"} 1\n", second = "a{b=\"1\"} 2 1000\n";
  exposition_parser one{first, exposition_format::prometheus_text};
  exposition_parser two{second, exposition_format::prometheus_text};
  REQUIRE(one.next());
  REQUIRE(two.next());
  CHECK(one.series() == two.series());
  CHECK(two.value() == 2);
  CHECK(two.time() == 1000);
}
