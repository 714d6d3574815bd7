#include "storage/base/log.hpp"

#include <catch2/catch.hpp>

using namespace vigil;

TEST_CASE("log lines are logfmt with quoted values where needed", "[log]") {
  auto line =
      log::format_line("2026-01-01T00:00:00.000Z", log::level::warn, "http", "request failed",
                       {{"path", "/a b"}, {"code", 503}, {"q", "x\"y\n"}});
  CHECK(line ==
        "ts=2026-01-01T00:00:00.000Z level=warn component=http msg=\"request failed\" "
        "path=\"/a b\" code=503 q=\"x\\\"y\\n\"");
}

TEST_CASE("log levels parse and filter", "[log]") {
  CHECK(*log::parse_level("debug") == log::level::debug);
  CHECK(*log::parse_level("error") == log::level::error);
  auto bad = log::parse_level("verbose");
  REQUIRE_FALSE(bad);
  CHECK(bad.error_value().message.find("verbose") != std::string::npos);
  log::set_level(log::level::warn);
  CHECK_FALSE(log::enabled(log::level::info));
  CHECK(log::enabled(log::level::error));
  log::set_level(log::level::info);
}
