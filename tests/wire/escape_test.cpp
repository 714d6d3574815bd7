#include "runtime/wire/escape.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace vigil::wire;

TEST_CASE("escapes resolve \\\\, \\\" and \\n and keep other pairs", "[escape]") {
  std::string out = "x";
  append_unescaped("a\\\\b\\\"c\\nd\\ze\\", out);
  CHECK(out == "xa\\b\"c\nd\\ze\\");
}

TEST_CASE("unescaped length counts code points after resolving escapes", "[escape]") {
  CHECK(unescaped_code_points("") == 0);
  CHECK(unescaped_code_points("☃\\n\\\\\\\"") == 4);
  CHECK(unescaped_code_points("\\z") == 2);
}
