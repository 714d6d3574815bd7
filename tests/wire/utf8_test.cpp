#include "runtime/wire/utf8.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace vigil::wire;
using namespace std::string_literals;

TEST_CASE("well-formed UTF-8 is accepted, NUL included", "[utf8]") {
  for (auto good : {""s, "plain ascii text that is longer than eight bytes"s, "\0"s, "é"s, "☃"s,
                    "😀"s, "\xf4\x8f\xbf\xbf"s, "long ascii prefix then ünicode"s}) {
    INFO(good);
    CHECK(valid_utf8(good));
  }
}

TEST_CASE("malformed UTF-8 is rejected", "[utf8]") {
  for (auto bad : {"\xff"s, "\x80"s, "\xc0\xaf"s, "\xc1\xbf"s, "\xe0\x80\xaf"s, "\xed\xa0\x80"s,
                   "\xf0\x80\x80\xaf"s, "\xf4\x90\x80\x80"s, "\xf5\x80\x80\x80"s, "\xe2\x98"s,
                   "\xe2\x28\xa1"s, "eight bytes of ascii then a stray \x80 byte"s}) {
    INFO(bad);
    CHECK_FALSE(valid_utf8(bad));
  }
}

TEST_CASE("code points count characters, not bytes", "[utf8]") {
  CHECK(code_points("") == 0);
  CHECK(code_points("a☃😀") == 3);
}
