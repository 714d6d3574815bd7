#include "storage/chunk/decimal.hpp"

#include <bit>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>
#include <string>

#include "tests/storage/chunk/chunk_test_data.hpp"

using namespace vigil;

TEST_CASE("decimal exponents are the fewest digits that round-trip exactly", "[decimal]") {
  CHECK(decimal::min_exponent(0.0) == 0);
  CHECK(decimal::min_exponent(42.0) == 0);
  CHECK(decimal::min_exponent(8.24e9) == 0);
  CHECK(decimal::min_exponent(0.1) == 1);
  CHECK(decimal::min_exponent(-12.5) == 1);
  CHECK(decimal::min_exponent(497511.58) == 2);
  CHECK(decimal::min_exponent(0.005) == 3);
  CHECK(decimal::min_exponent(3e-12) == 12);
  CHECK(decimal::to_mantissa(497511.58, 2) == 49751158);
  CHECK(decimal::to_mantissa(497511.58, 4) == 4975115800);
  CHECK_FALSE(decimal::to_mantissa(497511.58, 1));
}

TEST_CASE("values that are not short decimals have no exponent", "[decimal]") {
  CHECK_FALSE(decimal::min_exponent(-0.0));  // the mantissa 0 would come back as +0.0
  CHECK_FALSE(decimal::min_exponent(0.1 + 0.2));
  CHECK_FALSE(decimal::min_exponent(1.0 / 3.0));
  CHECK_FALSE(decimal::min_exponent(1e300));
  CHECK_FALSE(decimal::min_exponent(std::numeric_limits<double>::denorm_min()));
  CHECK_FALSE(decimal::min_exponent(std::numeric_limits<double>::infinity()));
  CHECK_FALSE(decimal::min_exponent(std::numeric_limits<double>::quiet_NaN()));
  CHECK_FALSE(decimal::min_exponent(stale_marker()));
  for (double v : test::special_doubles()) {
    const auto e = decimal::min_exponent(v);
    if (!e) continue;
    const auto m = decimal::to_mantissa(v, *e);
    REQUIRE(m);
    CHECK(std::bit_cast<uint64_t>(decimal::from_mantissa(*m, *e)) == std::bit_cast<uint64_t>(v));
  }
}

TEST_CASE("printed decimals parse back to doubles the decoder reproduces", "[decimal]") {
  std::mt19937_64 rng{2};
  for (int i = 0; i < 20000; ++i) {
    const int digits = static_cast<int>(rng() % 7);
    const auto m = static_cast<int64_t>(rng() % 10'000'000'000ULL) - 5'000'000'000LL;
    std::string text = std::to_string(m) + "e-" + std::to_string(digits);
    const double v = std::strtod(text.c_str(), nullptr);
    const auto e = decimal::min_exponent(v);
    INFO(text);
    REQUIRE(e);
    CHECK(*e <= digits);
    CHECK(std::bit_cast<uint64_t>(decimal::from_mantissa(*decimal::to_mantissa(v, *e), *e)) ==
          std::bit_cast<uint64_t>(v));
  }
}
