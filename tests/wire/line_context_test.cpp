#include "runtime/wire/line_context.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace vigil;
using namespace vigil::wire;

TEST_CASE("parse errors name line and column and quote the line around them", "[line_context]") {
  const line_context line{12, "up{job \"x\"} 1"};
  CHECK(line.fail(line.text.data() + 6, "expected '='") ==
        error{errc::parse_error, "line 12, column 7: expected '=' near \"up{job \\\"x\\\"} 1\""});
  CHECK(line.fail(nullptr, "elsewhere").message ==
        "line 12, column 1: elsewhere near \"up{job \\\"x\\\"} 1\"");
  CHECK(line.fail(line.text.data() + line.text.size(), "at the end").message ==
        "line 12, column 14: at the end near \"...p{job \\\"x\\\"} 1\"");
  CHECK(line_context{3, ""}.fail(nullptr, "blank line").message == "line 3, column 1: blank line");
}

TEST_CASE("excerpts of long lines are cut on character boundaries", "[line_context]") {
  const std::string text = std::string(20, 'a') + "\t" + std::string(20, 'b') + "☃☃☃☃☃☃☃☃";
  const line_context line{1, text};
  CHECK(line.fail(text.data() + 20, "tab").message ==
        "line 1, column 21: tab near \"...aaaaaaaaaaaa\\tbbbbbbbbbbbbbbbbbbbb☃☃☃☃☃...\"");
  CHECK(quote(std::string(70, 'q')) == "\"" + std::string(64, 'q') + "...\"");
  CHECK(quote("a\"b\x01") == "\"a\\\"b\\x01\"");
}
