#include "runtime/wire/number.hpp"

#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <limits>

using namespace vigil;
using namespace vigil::wire;

TEST_CASE("sample values follow Go's ParseFloat syntax", "[number]") {
  CHECK(*parse_float("1") == 1);
  CHECK(*parse_float("+1.5") == 1.5);
  CHECK(*parse_float(".5") == 0.5);
  CHECK(*parse_float("5.") == 5);
  CHECK(*parse_float("1e3") == 1000);
  CHECK(*parse_float("1E-3") == 0.001);
  CHECK(*parse_float("-2.5e+2") == -250);
  CHECK(*parse_float("0000000000000000000000000000000000000000001.2e-1") == 0.12);
  CHECK(*parse_float("9223372036854775808") == 9223372036854775808.0);
  CHECK(*parse_float("0.1") == 0.1);  // correctly rounded, like Go
  CHECK(*parse_float("1.7976931348623157e308") == DBL_MAX);
  CHECK(std::signbit(*parse_float("-0")));
  for (auto inf : {"Inf", "inf", "+inf", "INFINITY", "+Infinity"})
    CHECK(*parse_float(inf) == INFINITY);
  for (auto inf : {"-Inf", "-infinity"}) CHECK(*parse_float(inf) == -INFINITY);
  for (auto nan : {"NaN", "nan", "NAN"}) {
    auto v = parse_float(nan);
    REQUIRE(v);
    CHECK(std::isnan(*v));
    CHECK_FALSE(is_stale_marker(*v));
  }
}

TEST_CASE("malformed and out-of-range values are rejected, underflow is zero", "[number]") {
  for (auto bad : {"",       "+",      "-",    ".",     "e5",  "1e",  "1e+",  ".e1",
                   "0x1",    "0x1p-3", "0b1",  "1_000", "+-1", "--1", "+NaN", "-nan",
                   "nan(1)", "infin",  "Inf1", "1.1.1", " 1",  "1 ",  "1,5"}) {
    INFO(bad);
    auto v = parse_float(bad);
    REQUIRE_FALSE(v);
    CHECK(v.error_value() == error{errc::parse_error, "not a number"});
  }
  CHECK(parse_float("1e309").error_value().message == "out of the float64 range");
  CHECK(parse_float("-1e400").error_value().message == "out of the float64 range");
  CHECK(*parse_float("1e-400") == 0);
  CHECK(std::signbit(*parse_float("-0.0000001e-400")));
  CHECK(*parse_float("4.9e-324") > 0);
}

TEST_CASE("text-format timestamps are integer milliseconds", "[number]") {
  CHECK(*parse_millis("1700000000000") == 1700000000000);
  CHECK(*parse_millis("-5") == -5);
  CHECK(*parse_millis("+5") == 5);
  CHECK(*parse_millis("-9223372036854775808") == std::numeric_limits<timestamp>::min());
  for (auto bad : {"", "-", "+", "1.5", "1e3", "NaN", "0x10", "+-1", "1 "}) {
    INFO(bad);
    CHECK(parse_millis(bad).error_value().message == "not an integer");
  }
  CHECK(parse_millis("9223372036854775808").error_value().message == "out of the int64 range");
}

TEST_CASE("OpenMetrics seconds become milliseconds exactly, truncated toward zero", "[number]") {
  // 1520879607.789 * 1000 is 1520879607788.9998 in floating point.
  CHECK(*seconds_to_millis("1520879607.789") == 1520879607789);
  CHECK(*seconds_to_millis("1520879607") == 1520879607000);
  CHECK(*seconds_to_millis("1.5e3") == 1500000);
  CHECK(*seconds_to_millis("1.520430000123e+09") == 1520430000123);
  CHECK(*seconds_to_millis("0.0000000001") == 0);
  CHECK(*seconds_to_millis("000") == 0);
  CHECK(*seconds_to_millis(".9999") == 999);
  CHECK(*seconds_to_millis("-1.5005") == -1500);
  CHECK(*seconds_to_millis("-0.0001") == 0);
  CHECK(*seconds_to_millis("1e-400") == 0);
  CHECK(*seconds_to_millis("12345678901234567890.1234567890") ==
        std::numeric_limits<timestamp>::max());
  CHECK(*seconds_to_millis("-1e30") == std::numeric_limits<timestamp>::min());
  CHECK(*seconds_to_millis("9223372036854775.807") == std::numeric_limits<timestamp>::max());
  CHECK(*seconds_to_millis("-9223372036854775.808") == std::numeric_limits<timestamp>::min());
  for (auto bad : {"NaN", "Inf", "-Inf", "0x1", "1_0", "", "1.1.1", "z"}) {
    INFO(bad);
    CHECK(seconds_to_millis(bad).error_value().message == "not a number of seconds");
  }
}
