#include "storage/index/matcher.hpp"

#include <catch2/catch.hpp>

using namespace vigil::index;

namespace {
matcher make(match_op op, const char* value) {
  return *matcher::make(op, "l", value);
}
}  // namespace

TEST_CASE("regex matchers are fully anchored and dot matches newline", "[matcher]") {
  auto m = make(match_op::regex, "fo+");
  CHECK(m.matches("foo"));
  CHECK_FALSE(m.matches("xfoo"));
  CHECK_FALSE(m.matches("foox"));
  CHECK(make(match_op::regex, "a.b").matches("a\nb"));
  CHECK(make(match_op::regex, "(a|b)c").matches("bc"));
  CHECK(make(match_op::regex, "\\d+").matches("123"));
}

TEST_CASE("fast paths agree with the regex engine", "[matcher]") {
  const char* patterns[] = {"abc", "a|b|cd", "abc.*", ".*abc", ".*abc.*", ".*",      ".+",
                            "",    "a\\.b",  "x|",    "a.*b",  "ab\\.*",  "(ab)|cd", "a|b.*"};
  const char* inputs[] = {"",    "a",   "b",  "cd",   "abc", "abcd", "xabc", "xabcx",
                          "a.b", "axb", "ab", "ab..", "x",   "a\nb", "bzz"};
  for (const char* p : patterns) {
    auto fast = make(match_op::regex, p);
    // Wrapping in a group defeats every fast path.
    auto slow = make(match_op::regex, (std::string{"(?:"} + p + ")").c_str());
    CHECK(slow.set_values().empty());
    for (const char* in : inputs) {
      INFO(p << " vs \"" << in << "\"");
      CHECK(fast.matches(in) == slow.matches(in));
      CHECK(make(match_op::not_regex, p).matches(in) == !slow.matches(in));
    }
  }
}

TEST_CASE("literal alternations expose their values", "[matcher]") {
  CHECK(make(match_op::regex, "b|a|b").set_values() == std::vector<std::string>{"a", "b"});
  CHECK(make(match_op::equal, "x").set_values() == std::vector<std::string>{"x"});
  CHECK(make(match_op::regex, "a.*").set_values().empty());
}

TEST_CASE("invalid regexes are errors quoting the pattern", "[matcher]") {
  auto m = matcher::make(match_op::regex, "l", "a(b");
  REQUIRE_FALSE(m);
  CHECK_THAT(m.error_value().message, Catch::StartsWith("invalid regular expression \"a(b\": "));
}

TEST_CASE("matchers print as PromQL", "[matcher]") {
  CHECK(make(match_op::not_regex, "a\"b").to_string() == "l!~\"a\\\"b\"");
}
