#include "rules/promql/parse_error.hpp"

#include <catch2/catch.hpp>

using namespace vigil::promql;

TEST_CASE("positions become 1-based lines and byte columns", "[promql][parse_error]") {
  CHECK(locate("abc", 0) == line_column{1, 1});
  CHECK(locate("abc", 2) == line_column{1, 3});
  CHECK(locate("ab\ncd\nef", 3) == line_column{2, 1});
  CHECK(locate("ab\ncd\nef", 7) == line_column{3, 2});
  CHECK(locate("é=x", 2) == line_column{1, 3});  // columns count bytes
  CHECK(locate("ab", 99) == line_column{1, 3});
}

TEST_CASE("parse errors print as Prometheus's ParseErr", "[promql][parse_error]") {
  auto e = parse_error::at("sum(x) by y", {10, 11}, "unexpected identifier \"y\"");
  CHECK(e.to_string() == "1:11: parse error: unexpected identifier \"y\"");
  REQUIRE(e.where);
  CHECK(e.where->column == 11);
  auto empty = parse_error::at("", {0, 0}, "no expression found in input");
  CHECK_FALSE(empty.where);
  CHECK(empty.to_string() == "unknown position: parse error: no expression found in input");
}

TEST_CASE("a failed parse becomes a vigil::error with the first message", "[promql][parse_error]") {
  std::vector<parse_error> errors{parse_error::at("a\nb", {2, 3}, "first"),
                                  parse_error::at("a\nb", {0, 1}, "second")};
  auto err = to_error(errors);
  CHECK(err.code == vigil::errc::parse_error);
  CHECK(err.message == "2:1: parse error: first");
  parse_result<int> failed{std::nullopt, errors};
  CHECK_FALSE(failed.ok());
  auto as_expected = std::move(failed).to_expected();
  REQUIRE_FALSE(as_expected);
  CHECK(as_expected.error_value() == err);
  parse_result<int> good{7, {}};
  REQUIRE(good.ok());
  CHECK(*std::move(good).to_expected() == 7);
}
