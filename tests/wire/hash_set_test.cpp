#include "runtime/wire/hash_set.hpp"

#include <catch2/catch.hpp>

using namespace vigil::wire;

TEST_CASE("the hash set remembers hashes, zero included, across growth", "[hash_set]") {
  hash_set set;
  CHECK_FALSE(set.contains(0));
  CHECK(set.insert(0));
  CHECK_FALSE(set.insert(0));
  for (std::uint64_t i = 1; i <= 10000; ++i) REQUIRE(set.insert(i * 0x9E3779B97F4A7C15ULL));
  for (std::uint64_t i = 1; i <= 10000; ++i) REQUIRE(set.contains(i * 0x9E3779B97F4A7C15ULL));
  CHECK_FALSE(set.insert(0x9E3779B97F4A7C15ULL));
  CHECK_FALSE(set.contains(12345));
  set.clear();
  CHECK_FALSE(set.contains(0));
  CHECK_FALSE(set.contains(0x9E3779B97F4A7C15ULL));
  CHECK(set.insert(0x9E3779B97F4A7C15ULL));
}
