#include "runtime/wire/label_buffer.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace vigil::wire;

TEST_CASE("a label buffer keeps views valid while it unescapes into itself", "[label_buffer]") {
  label_buffer buffer;
  const std::string raw = "a\\\"b\\\\c\\nd";
  buffer.reset(raw.size() * 100);
  for (int i = 0; i < 100; ++i)
    buffer.add("n" + std::to_string(i) == "n0" ? "n" : "m", buffer.unescaped(raw));
  CHECK(buffer.size() == 100);
  for (const auto& l : buffer) CHECK(l.value == "a\"b\\c\nd");
  CHECK(buffer.get("n") == "a\"b\\c\nd");
  CHECK(buffer.get("absent").empty());
  buffer.reset(0);
  CHECK(buffer.empty());
}
