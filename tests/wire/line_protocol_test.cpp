#include "runtime/wire/line_protocol.hpp"
#include "tests/support/sample_lists.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace vigil;
using namespace vigil::wire;

namespace {

constexpr timestamp now = 1'700'000'000'123;

line_protocol_batch decode(std::string_view body, precision unit = precision::ns) {
  return decode_line_protocol(body, unit, now);
}

// The one series of a one-field line, failing the test on issues.
series_write only(std::string_view body, precision unit = precision::ns) {
  auto batch = decode(body, unit);
  INFO((batch.issues.empty() ? "" : batch.issues.front().message));
  REQUIRE(batch.issues.empty());
  REQUIRE(batch.series.size() == 1);
  return batch.series.front();
}

// The message of the only issue of `body`.
std::string issue(std::string_view body) {
  auto batch = decode(body);
  REQUIRE(batch.issues.size() == 1);
  CHECK(batch.series.empty());
  return batch.issues.front().message;
}

}  // namespace

TEST_CASE("each field becomes a metric named measurement_field with the tags as labels",
          "[line_protocol]") {
  auto batch = decode(
      "cpu,host=a,region=eu usage=1.5,idle=3i,up=t,note=\"x y\",free=7u 1700000000000000000");
  CHECK(batch.issues.empty());
  CHECK(batch.string_fields == 1);
  REQUIRE(batch.series.size() == 4);
  const char* names[] = {"cpu_usage", "cpu_idle", "cpu_up", "cpu_free"};
  const double values[] = {1.5, 3, 1, 7};
  for (int i = 0; i < 4; ++i) {
    const auto& s = batch.series[std::size_t(i)];
    CHECK(s.ls.to_string() == std::string(names[i]) + R"({host="a", region="eu"})");
    CHECK(s.samples == std::vector<sample>{{1700000000000, values[i]}});
  }
}

TEST_CASE("field values: floats, integers, unsigned integers and booleans", "[line_protocol]") {
  auto value = [](std::string_view v) { return only("m f=" + std::string(v)).samples.at(0).v; };
  CHECK(value("-2.5e3") == -2500);
  CHECK(value(".5") == 0.5);
  CHECK(value("-3i") == -3);
  CHECK(value("9223372036854775807i") == 9223372036854775807.0);
  CHECK(value("18446744073709551615u") == 18446744073709551615.0);
  for (auto t : {"t", "T", "true", "True", "TRUE"}) CHECK(value(t) == 1);
  for (auto f : {"f", "F", "false", "False", "FALSE"}) CHECK(value(f) == 0);
  for (auto bad : {"inf", "nan", "-inf", "1.5.3", "3x", "-3u", "i", "9223372036854775808i", "+1",
                   "tRUE", "1e999", "-"})
    CHECK_THAT(issue("m f=" + std::string(bad)), Catch::Contains("line 1, column 5: invalid"));
}

TEST_CASE("timestamps are converted from the precision to milliseconds, flooring",
          "[line_protocol]") {
  CHECK(only("m f=1 1500000001", precision::ns).samples[0].t == 1500);
  CHECK(only("m f=1 -1", precision::ns).samples[0].t == -1);
  CHECK(only("m f=1 1500999", precision::us).samples[0].t == 1500);
  CHECK(only("m f=1 1500", precision::ms).samples[0].t == 1500);
  CHECK(only("m f=1 2", precision::s).samples[0].t == 2000);
  CHECK(only("m f=1 2", precision::m).samples[0].t == 120'000);
  CHECK(only("m f=1 2", precision::h).samples[0].t == 7'200'000);
  CHECK(only("m f=1").samples[0].t == now);
  CHECK(only("m f=1   ").samples[0].t == now);
  auto overflow = decode_line_protocol("m f=1 9223372036854775807", precision::s, now);
  REQUIRE(overflow.issues.size() == 1);
  CHECK(overflow.issues[0].message ==
        R"(line 1, column 7: timestamp out of range near "m f=1 9223372036854775807")");
}

TEST_CASE("precision names as InfluxDB's query parameter spells them", "[line_protocol]") {
  CHECK(*parse_precision("") == precision::ns);
  CHECK(*parse_precision("n") == precision::ns);
  CHECK(*parse_precision("u") == precision::us);
  CHECK(*parse_precision("us") == precision::us);
  CHECK(*parse_precision("ms") == precision::ms);
  CHECK(*parse_precision("h") == precision::h);
  auto bad = parse_precision("week");
  REQUIRE_FALSE(bad);
  CHECK(bad.error_value().code == errc::invalid_argument);
}

TEST_CASE("escapes in names, tag values and string fields", "[line_protocol]") {
  auto s = only(R"(my\ meas\,x,t\=k=v\ 1\,2\=,path=C:\dir f\=x=1,s="a \"q\" \\ b" 5)");
  CHECK(s.ls.metric_name() == "my_meas_x_f_x");
  CHECK(s.ls.get("t_k") == "v 1,2=");
  CHECK(s.ls.get("path") == R"(C:\dir)");
  // A string field may span lines; line numbers count its line feeds.
  auto batch = decode("a s=\"one\ntwo\",f=1\nb f=x\n");
  CHECK(batch.series.size() == 1);
  REQUIRE(batch.issues.size() == 1);
  CHECK(batch.issues[0].line == 3);
}

TEST_CASE("names are sanitised to Prometheus syntax", "[line_protocol]") {
  CHECK(only("cpu.load-1m f=1").ls.metric_name() == "cpu_load_1m_f");
  CHECK(only("disk 95th=1").ls.metric_name() == "disk_95th");
  CHECK(only("1m f=1").ls.metric_name() == "_1m_f");
  CHECK(only("a:b f=1").ls.metric_name() == "a:b_f");
  CHECK(only("temp\xc3\xa9rature f=1").ls.metric_name() == "temp_rature_f");
  auto s = only("m,host.name=x.y,9=z,Zone=q f=1");
  CHECK(s.ls.to_string() == R"(m_f{Zone="q", _9="z", host_name="x.y"})");
  CHECK(sanitize_name("a:b", false) == "a_b");
}

TEST_CASE("a bad line is an issue naming line and column and the good lines are kept",
          "[line_protocol]") {
  auto batch = decode(
      "# a comment\n"
      "\n"
      "good f=1 10\r\n"
      "m,t f=1\n"
      "m,t= f=1\n"
      "m\n"
      "m f=1 x\n"
      "m f=1 1 2\n"
      "m f=\"open\n"
      "  also_good  f=2\n");
  REQUIRE(batch.series.size() == 1);
  CHECK(batch.series[0].ls.metric_name() == "good_f");
  CHECK(batch.series[0].samples[0].t == 0);
  std::vector<std::string> expected = {
      R"(line 4, column 4: expected '=' after tag key near "m,t f=1")",
      R"(line 5, column 5: missing tag value near "m,t= f=1")",
      R"(line 6, column 2: expected a space and fields near "m")",
      R"(line 7, column 7: invalid timestamp near "m f=1 x")",
      R"(line 8, column 9: unexpected text after the timestamp near "m f=1 1 2")",
      R"(line 9, column 5: unterminated string field value near "m f=\"open\x0a  also_good  f=2\x0a")",
  };
  REQUIRE(batch.issues.size() == expected.size());
  CHECK(batch.bad_lines == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(batch.issues[i].message == expected[i]);
  CHECK(batch.issues[0].line == 4);
}

TEST_CASE("structural problems of a line", "[line_protocol]") {
  CHECK(issue(",t=1 f=1") == R"(line 1, column 1: missing measurement near ",t=1 f=1")");
  CHECK(issue("m ") == R"(line 1, column 3: missing field key near "m ")");
  CHECK(issue("m f") == R"(line 1, column 4: expected '=' after field key near "m f")");
  CHECK(issue("m f=1,") == R"(line 1, column 7: missing field key near "m f=1,")");
  CHECK(
      issue("m s=\"x\"y") ==
      R"(line 1, column 8: expected ',' or a space after a string field value near "m s=\"x\"y")");
  CHECK(issue("m,a.b=1,a_b=2 f=1") ==
        R"(line 1, column 1: tags: duplicate label name "a_b" near "m,a.b=1,a_b=2 f=1")");
  CHECK(issue("m,__name__=x f=1") ==
        R"(line 1, column 1: tags: a tag is named __name__ near "m,__name__=x f=1")");
  CHECK_THAT(issue("m,t=\xff f=1"), Catch::StartsWith("line 1, column 5: tag value is not UTF-8"));
}

TEST_CASE("only the first issues are kept, all bad lines are counted", "[line_protocol]") {
  std::string body;
  for (int i = 0; i < 150; ++i) body += "bad\ngood f=1\n";
  auto batch = decode(body);
  CHECK(batch.series.size() == 150);
  CHECK(batch.issues.size() == max_line_issues);
  CHECK(batch.bad_lines == 150);
  CHECK(batch.issues.back().line == 2 * max_line_issues - 1);
}
