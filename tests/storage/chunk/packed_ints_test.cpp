#include "storage/chunk/packed_ints.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <random>

#include "storage/chunk/int_column.hpp"

using namespace vigil;

namespace {

using lim = std::numeric_limits<int64_t>;

std::vector<int64_t> packed_round_trip(const std::vector<int64_t>& values, size_t* size = nullptr) {
  std::vector<uint8_t> bytes;
  encode_packed_ints(values, bytes);
  CHECK(packed_ints_plan(values).size() == bytes.size());
  if (size) *size = bytes.size();
  byte_reader in{bytes, 0, "test"};
  std::vector<int64_t> out(values.size());
  REQUIRE(decode_packed_ints(in, out));
  CHECK(in.remaining() == 0);
  return out;
}

std::vector<int64_t> column_round_trip(const std::vector<int64_t>& values,
                                       std::optional<int_packing> packing = std::nullopt) {
  std::vector<uint8_t> bytes;
  encode_int_column(values, bytes, packing);
  byte_reader in{bytes, 0, "test"};
  std::vector<int64_t> out(values.size());
  REQUIRE(decode_int_column(in, out));
  CHECK(in.remaining() == 0);
  return out;
}

std::vector<std::vector<int64_t>> awkward_sequences() {
  std::mt19937_64 rng{21};
  std::vector<int64_t> random(300), walk(300), pages(300), reset(300);
  int64_t level = 1'000'000;
  for (size_t i = 0; i < 300; ++i) {
    random[i] = static_cast<int64_t>(rng());
    level += static_cast<int64_t>(rng() % 129) - 64;
    walk[i] = level;
    pages[i] = level * 4096;
    reset[i] =
        i == 150 ? 0 : static_cast<int64_t>(1e9) + static_cast<int64_t>(i * 1000 + rng() % 100);
  }
  return {{},
          {0},
          {lim::min()},
          {lim::max(), lim::min(), 0, -1, lim::max(), lim::min()},
          {7, 7, 7, 7},
          random,
          walk,
          pages,
          reset,
          {0, 0, 0, lim::min(), 0, 0, 0},  // one low outlier
          {5, 5, 5, lim::max(), 5, 5}};    // one high outlier
}

}  // namespace

TEST_CASE("radix groups pack as many digits as fit 64 bits", "[packed_ints]") {
  CHECK(group_for(0).digits == 0);
  CHECK(group_for(1).digits == 63);
  CHECK(group_for(1).bits == 63);
  CHECK(group_for(128).digits == 9);  // 129^9 < 2^64
  CHECK(group_for(128).bits == 64);
  CHECK(group_for(std::numeric_limits<uint64_t>::max()).digits == 1);
  CHECK(group_for(std::numeric_limits<uint64_t>::max()).bits == 64);
  CHECK(group_for(uint64_t{1} << 32).digits == 1);
}

TEST_CASE("packed ints round-trip awkward sequences", "[packed_ints]") {
  for (const auto& values : awkward_sequences()) CHECK(packed_round_trip(values) == values);
}

TEST_CASE("packed ints divide out a common factor and use a fractional bit width",
          "[packed_ints]") {
  std::mt19937_64 rng{4};
  std::vector<int64_t> pages(900);
  for (auto& v : pages) v = (static_cast<int64_t>(rng() % 129) - 64) * 4096;
  size_t size = 0;
  CHECK(packed_round_trip(pages, &size) == pages);
  // 129 possible values: log2(129) = 7.01 bits; 9 digits share 64 bits.
  CHECK(size <= 900 * 64 / 9 / 8 + 8);
}

TEST_CASE("packed ints keep outliers apart as exceptions", "[packed_ints]") {
  std::vector<int64_t> deltas(500, 1000);
  for (size_t i = 0; i < deltas.size(); ++i) deltas[i] += static_cast<int64_t>(i % 16);
  deltas[100] = -123456789;  // a counter reset
  deltas[300] = 1 << 30;     // a spike
  size_t size = 0;
  CHECK(packed_round_trip(deltas, &size) == deltas);
  CHECK(size <= 500 * 4 / 8 + 24);  // 4 bits a digit plus two exceptions
}

TEST_CASE("int columns round-trip with every layout", "[int_column]") {
  for (const auto& values : awkward_sequences()) {
    CHECK(column_round_trip(values) == values);
    CHECK(column_round_trip(values, int_packing::varint) == values);
    CHECK(column_round_trip(values, int_packing::packed) == values);
  }
}

TEST_CASE("int columns store regular and jittered timestamps in a few bytes", "[int_column]") {
  std::vector<int64_t> regular, jittered;
  std::mt19937_64 rng{8};
  for (int64_t i = 0; i < 480; ++i) {
    regular.push_back(1700000000000 + i * 15000);
    jittered.push_back(regular.back() + static_cast<int64_t>(rng() % 11) - 5);
  }
  std::vector<uint8_t> bytes;
  encode_int_column(regular, bytes);
  CHECK(bytes.size() <= 12);  // descriptor, first timestamp, step, one repeated residual
  bytes.clear();
  encode_int_column(jittered, bytes);
  CHECK(bytes.size() <= 12 + 480 * 4 / 8);  // 11 residuals: under 4 bits each
  CHECK(column_round_trip(jittered) == jittered);
}

TEST_CASE("corrupt int columns fail with a positioned error", "[int_column]") {
  const std::vector<int64_t> values{10, 20, 30, 45, 50, 70};
  std::vector<uint8_t> bytes;
  encode_int_column(values, bytes, int_packing::packed);
  for (size_t len = 0; len < bytes.size(); ++len) {
    byte_reader in{std::span{bytes}.first(len), 100, "test"};
    std::vector<int64_t> out(values.size());
    CHECK_FALSE(decode_int_column(in, out));
    REQUIRE(in.error());
    CHECK(in.error()->code == errc::corruption);
    CHECK_THAT(in.error()->message,
               Catch::Contains("at test byte 10"));  // base 100 plus the offset
  }
  auto bad = bytes;
  bad[0] = 0xff;
  byte_reader in{bad, 0, "test"};
  std::vector<int64_t> out(values.size());
  CHECK_FALSE(decode_int_column(in, out));
  CHECK(in.error()->message == "unknown int column descriptor 255 at test byte 0");
}
