#include "rules/promql/literals.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

using namespace vigil::promql;

TEST_CASE("string literals unquote with Go's escapes", "[promql][literals]") {
  CHECK(*unquote(R"("a\"b\\c\n")") == "a\"b\\c\n");
  CHECK(*unquote(R"('it\'s "x"')") == "it's \"x\"");
  CHECK(*unquote("`raw\\n`") == "raw\\n");
  CHECK(*unquote(R"("\x41\101\u00e9\U0001F600")") == "AA\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(*unquote(R"("\xff")") == "\xff");  // one byte, not UTF-8
  CHECK(*unquote(R"("")") == "");
  for (const char* bad : {"\"", "\"a'", R"("\q")", R"("\x4")", "\"a\nb\"", "`a`b`", R"('a'b')"}) {
    INFO(bad);
    auto r = unquote(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error_value().message.find("invalid syntax") != std::string::npos);
  }
}

TEST_CASE("strings print with Go's strconv.Quote", "[promql][literals]") {
  CHECK(quote("plain") == R"("plain")");
  CHECK(quote("a\"b\\c") == R"("a\"b\\c")");
  CHECK(quote("\a\b\f\n\r\t\v") == R"("\a\b\f\n\r\t\v")");
  CHECK(quote(std::string{"\x01\x7f", 2}) == R"("\x01\x7f")");
  CHECK(quote("\xff") == R"("\xff")");
  CHECK(quote("é☺") == "\"é☺\"");
  CHECK(quote("\xc2\xad") == R"("\u00ad")");              // soft hyphen is not printable
  CHECK(quote("\xf4\x8f\xbf\xbf") == R"("\U0010ffff")");  // noncharacter
  CHECK(quote(std::string{"\0", 1}) == R"("\x00")");
}

TEST_CASE("numbers read as Prometheus reads them", "[promql][literals]") {
  CHECK(*parse_number("1") == 1);
  CHECK(*parse_number("0x1F") == 31);
  CHECK(*parse_number("0X_1f") == 31);
  CHECK(*parse_number("0755") == 493);
  CHECK(*parse_number("08") == 8);
  CHECK(*parse_number("0e5") == 0);
  CHECK(*parse_number("1e3") == 1000);
  CHECK(*parse_number(".5") == 0.5);
  CHECK(*parse_number("5.") == 5);
  CHECK(*parse_number("1_000") == 1000);
  CHECK(*parse_number("1_000.5") == 1000.5);
  CHECK(*parse_number("-2.5") == -2.5);
  CHECK(*parse_number("9223372036854775808") == 9223372036854775808.0);
  CHECK(*parse_number("1e-400") == 0);
  CHECK(std::isinf(*parse_number("Inf")));
  CHECK(*parse_number("-inf") == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(*parse_number("NaN")));
  CHECK(parse_number("1e999").error_value().message ==
        R"(strconv.ParseFloat: parsing "1e999": value out of range)");
  CHECK(parse_number("1__2").error_value().message ==
        R"(strconv.ParseFloat: parsing "1__2": invalid syntax)");
  CHECK(parse_number("0x").error_value().message ==
        R"(strconv.ParseFloat: parsing "0x": invalid syntax)");
  CHECK_FALSE(parse_number("0xFFFFFFFFFFFFFFFFFF"));
  CHECK_FALSE(parse_number("abc"));
  CHECK_FALSE(parse_number(""));
}

TEST_CASE("numbers print as the shortest decimal without an exponent", "[promql][literals]") {
  CHECK(format_number(1) == "1");
  CHECK(format_number(0.1) == "0.1");
  CHECK(format_number(-2.5) == "-2.5");
  CHECK(format_number(123456789012.0) == "123456789012");
  CHECK(format_number(1e21) == "1000000000000000000000");
  CHECK(format_number(1e23) == "100000000000000000000000");
  CHECK(format_number(0.0005) == "0.0005");
  CHECK(format_number(-0.0) == "-0");
  CHECK(format_number(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_number(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_number(std::nan("")) == "NaN");
  std::string tiny = format_number(5e-324);
  CHECK(tiny.size() == 2 + 323 + 1);
  CHECK(tiny.back() == '5');
  for (double v : {0.1, 1.0 / 3, 2.0 / 3 * 1e10, 1e300, 4.9e-300, 123.456e7}) {
    INFO(v);
    CHECK(*parse_number(format_number(v)) == v);
  }
}

TEST_CASE("numbers in messages print as Go's %g", "[promql][literals]") {
  CHECK(format_g(1.1) == "1.1");
  CHECK(format_g(-1) == "-1");
  CHECK(format_g(123456) == "123456");
  CHECK(format_g(1234567) == "1.234567e+06");
  CHECK(format_g(1e19) == "1e+19");
  CHECK(format_g(-9223372036854775808.0) == "-9.223372036854776e+18");
  CHECK(format_g(0.0001) == "0.0001");
  CHECK(format_g(0.00001) == "1e-05");
  CHECK(format_g(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_g(std::nan("")) == "NaN");
}
