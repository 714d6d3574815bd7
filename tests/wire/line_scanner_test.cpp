#include "runtime/wire/line_scanner.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace vigil::wire;

TEST_CASE("a text-format sample line splits into views of its parts", "[line_scanner]") {
  const line_context line{1, "  a{b=\"c\", \"d.e\"=\"f\\\"g\"} \t1 5 "};
  sample_line out;
  REQUIRE_FALSE(line_scanner{exposition_format::prometheus_text}.sample(line, out));
  CHECK(out.series == "a{b=\"c\", \"d.e\"=\"f\\\"g\"}");
  CHECK(out.name == "a");
  REQUIRE(out.labels.size() == 2);
  CHECK((out.labels[0].name == "b" && out.labels[0].value == "c" && !out.labels[0].value_escaped));
  CHECK((out.labels[1].name == "d.e" && out.labels[1].value == "f\\\"g" &&
         out.labels[1].value_escaped));
  CHECK(out.value == "1");
  CHECK(out.time == "5");
  CHECK(out.exemplar.empty());
}

TEST_CASE("the series bytes stop at the name or the closing brace", "[line_scanner]") {
  sample_line out;
  line_scanner text{exposition_format::prometheus_text};
  REQUIRE_FALSE(text.sample({1, "up   1"}, out));
  CHECK(out.series == "up");
  REQUIRE_FALSE(text.sample({1, "{\"x\\\\y\"} 1"}, out));
  CHECK(out.series == "{\"x\\\\y\"}");
  CHECK(out.name == "x\\y");
  CHECK(out.raw_name == "x\\\\y");
  CHECK(out.name_escaped);
}

TEST_CASE("an OpenMetrics sample line splits off its exemplar", "[line_scanner]") {
  sample_line out;
  line_scanner om{exposition_format::openmetrics};
  REQUIRE_FALSE(om.sample({1, "a_total{x=\"y\"} 1 2 # {t=\"u\"} 3 4"}, out));
  CHECK(out.value == "1");
  CHECK(out.time == "2");
  CHECK(out.exemplar == "# {t=\"u\"} 3 4");
  REQUIRE(out.exemplar_labels.size() == 1);
  CHECK(out.exemplar_labels[0].value == "u");
  CHECK(out.exemplar_value == "3");
  CHECK(out.exemplar_time == "4");
  REQUIRE_FALSE(om.sample({1, "a_total 1 # {} 3"}, out));
  CHECK(out.time.empty());
  CHECK(out.exemplar_value == "3");
  CHECK(out.exemplar_time.empty());
  CHECK(om.sample({1, "a\t1"}, out)->message ==
        "line 1, column 2: unexpected byte 0x09 after metric name \"a\" (quote other names "
        "inside the braces: {\"a.b\"}) near \"a\\t1\"");
}

TEST_CASE("metadata names and help texts", "[line_scanner]") {
  std::string storage;
  const line_context line{1, "\"a\\\"b\" rest"};
  auto name =
      line_scanner{exposition_format::openmetrics}.metric_name(line, line.text.data(), storage);
  REQUIRE(name);
  CHECK(name->name == "a\"b");
  CHECK(name->end == line.text.data() + 6);
  const line_context help{1, "x\\ty \\\"z\\\" \\\\ \\n"};
  CHECK(*line_scanner{exposition_format::openmetrics}.help(help, help.text, storage) ==
        "x\\ty \"z\" \\ \n");
  CHECK(line_scanner{exposition_format::prometheus_text}
            .help(help, help.text, storage)
            .error_value()
            .message.starts_with("line 1, column 2: invalid escape sequence \"\\t\""));
  CHECK(metric_name_chars("seconds_2:x"));
  CHECK_FALSE(metric_name_chars("sec onds"));
}
