#include "storage/base/utf8.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace vigil;
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

TEST_CASE("one character decodes and encodes back", "[utf8]") {
  for (char32_t c : {U'a', U'\u00e9', U'\u2603', U'\U0001F600', U'\U0010FFFF'}) {
    std::string s;
    REQUIRE(append_utf8(s, c));
    char32_t back = 0;
    CHECK(decode_utf8(s, back) == s.size());
    CHECK(back == c);
  }
  std::string s;
  CHECK_FALSE(append_utf8(s, 0xD800));  // a surrogate
  CHECK(s.empty());
  char32_t c = 0;
  CHECK(decode_utf8("\xc0\xaf", c) == 0);  // overlong
}
