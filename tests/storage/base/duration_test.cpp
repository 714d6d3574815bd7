#include "storage/base/duration.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using vigil::duration;
using vigil::parse_duration;

TEST_CASE("durations parse in Prometheus syntax", "[duration]") {
  CHECK(*parse_duration("15s") == 15s);
  CHECK(*parse_duration("5m") == 5min);
  CHECK(*parse_duration("1h30m") == 90min);
  CHECK(*parse_duration("7d") == 7 * 24h);
  CHECK(*parse_duration("2w") == 14 * 24h);
  CHECK(*parse_duration("1y") == 365 * 24h);
  CHECK(*parse_duration("500ms") == 500ms);
  CHECK(*parse_duration("1m500ms") == 60500ms);
  CHECK(*parse_duration("0") == 0ms);
  CHECK(*parse_duration("0s") == 0ms);
}

TEST_CASE("malformed durations are rejected with the offending offset", "[duration]") {
  for (const char* bad : {"", "s", "15", "1x", "1.5h", "-1s", "30m1h", "1m1m", " 1s", "1s ",
                          "99999999999999999999s", "9223372036854775807y"}) {
    auto d = parse_duration(bad);
    INFO(bad);
    REQUIRE_FALSE(d);
    CHECK(d.error_value().code == vigil::errc::parse_error);
    CHECK(d.error_value().message.find("invalid duration") != std::string::npos);
  }
  CHECK(parse_duration("1x").error_value().message.find("unknown unit at offset 1") !=
        std::string::npos);
}

TEST_CASE("durations format the way Prometheus prints them", "[duration]") {
  CHECK(vigil::format_duration(0ms) == "0s");
  CHECK(vigil::format_duration(90min) == "1h30m");
  CHECK(vigil::format_duration(500ms) == "500ms");
  CHECK(vigil::format_duration(14 * 24h) == "2w");
  for (const char* text : {"1y2w3d4h5m6s7ms", "15s", "1h"})
    CHECK(vigil::format_duration(*parse_duration(text)) == text);
}
