#include "storage/chunk/codec.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "storage/chunk/xor_chunk.hpp"
#include "tests/storage/chunk/chunk_test_data.hpp"

using namespace vigil;

namespace {

/// Every combination of the encoder's choices, plus the default.
std::vector<encode_options> all_options() {
  std::vector<encode_options> out{encode_options{}};
  for (auto values : {std::optional<value_codec>{}, std::optional{value_codec::constant},
                      std::optional{value_codec::decimal}, std::optional{value_codec::gorilla}})
    for (auto packing : {std::optional<int_packing>{}, std::optional{int_packing::varint},
                         std::optional{int_packing::packed}})
      for (bool zstd : {false, true}) {
        encode_options o;
        o.values = values;
        o.packing = packing;
        o.zstd = zstd;
        out.push_back(o);
      }
  return out;
}

void check_round_trip(const std::vector<sample>& samples) {
  for (const auto& o : all_options()) {
    const auto bytes = encode_block(samples, o);
    auto back = decode_block(bytes);
    REQUIRE(back);
    CHECK(*back == samples);
  }
}

uint8_t header_of(const std::vector<sample>& samples) {
  return encode_block(samples)[0];
}

/// Pinned encodings: persisted blocks must stay readable.
void check_pinned(const std::vector<sample>& samples, const std::vector<uint8_t>& expected) {
  encode_options o;
  o.zstd = false;
  CHECK(encode_block(samples, o) == expected);
  auto back = decode_block(expected);
  REQUIRE(back);
  CHECK(*back == samples);
}

}  // namespace

TEST_CASE("blocks round-trip special doubles with every encoder choice", "[codec]") {
  const auto values = test::special_doubles();
  check_round_trip(test::series(values.size(), 1700000000000, 15000, values));
  check_round_trip(test::series(1, 0, 0, {-0.0}));
  check_round_trip(test::series(3, -1, 1, {stale_marker()}));
}

TEST_CASE("blocks round-trip random bits, extreme and unordered timestamps", "[codec]") {
  std::mt19937_64 rng{17};
  for (int round = 0; round < 10; ++round) check_round_trip(test::random_bits(rng, 200));
  std::vector<sample> extremes;
  for (timestamp t : test::extreme_timestamps()) extremes.push_back({t, 1});
  check_round_trip(extremes);
  check_round_trip(test::jittered_counter(rng, 480));
}

TEST_CASE("blocks round-trip decimals mixed with values that are not", "[codec]") {
  std::vector<double> values;
  for (int i = 0; i < 200; ++i) values.push_back(i * 0.25);
  values[7] = stale_marker();
  values[8] = -0.0;
  values[120] = 0.1 + 0.2;
  values[199] = std::numeric_limits<double>::infinity();
  const auto samples = test::series(values.size(), 0, 15000, values);
  check_round_trip(samples);
  CHECK((header_of(samples) & block_codec_mask) == static_cast<uint8_t>(value_codec::decimal));
  std::vector<double> huge{9007199254740992.0, -9007199254740992.0, 1e15, 123456789.123456};
  check_round_trip(test::series(huge.size(), 0, 1, huge));
}

TEST_CASE("an empty block is one byte", "[codec]") {
  const auto bytes = encode_block({});
  CHECK(bytes == std::vector<uint8_t>{0});
  auto back = decode_block(bytes);
  REQUIRE(back);
  CHECK(back->empty());
}

TEST_CASE("the encoder picks the codec that fits the values", "[codec]") {
  const auto constant = test::series(120, 1700000000000, 15000, {8.24e9});
  CHECK(encode_block(constant).size() <= 24);
  std::vector<double> counter;
  for (int i = 0; i < 120; ++i) counter.push_back(1000.5 + i * 12.25);
  CHECK(header_of(test::series(120, 0, 15000, counter)) ==
        static_cast<uint8_t>(value_codec::decimal));
  std::mt19937_64 rng{1};
  CHECK(header_of(test::random_bits(rng, 120)) == static_cast<uint8_t>(value_codec::gorilla));
  std::vector<double> cycle;
  for (int i = 0; i < 12; ++i) cycle.push_back(std::sin(i) * 1000);
  const auto periodic = test::series(480, 0, 15000, cycle);
  CHECK(header_of(periodic) == (static_cast<uint8_t>(value_codec::gorilla) | block_zstd_flag));
  encode_options plain;
  plain.zstd = false;
  CHECK(encode_block(periodic).size() * 5 < encode_block(periodic, plain).size());
}

TEST_CASE("a forced codec that cannot represent the block falls back to gorilla", "[codec]") {
  std::mt19937_64 rng{6};
  const auto samples = test::random_bits(rng, 50);
  encode_options o;
  o.values = value_codec::decimal;
  CHECK((encode_block(samples, o)[0] & block_codec_mask) ==
        static_cast<uint8_t>(value_codec::gorilla));
}

TEST_CASE("the block format is stable", "[codec]") {
  // 0x02 decimal, 3 samples; timestamps: descriptor 0x00 (raw, varints)
  // 1000 2000 3500 zigzagged; values: exponent 1, descriptor 0x00,
  // mantissas 15 25 -10 zigzagged, no exceptions.
  check_pinned(
      {{1000, 1.5}, {2000, 2.5}, {3500, -1}},
      {0x02, 0x03, 0x00, 0xd0, 0x0f, 0xa0, 0x1f, 0xd8, 0x36, 0x01, 0x00, 0x1e, 0x32, 0x13, 0x00});
  // 12 jittered timestamps: descriptor 0x05 (delta, packed), head t0, base
  // 14998, scale 3, radix 2, digits 11011011011, no exceptions. Values:
  // exponent 1, descriptor 0x04 (raw, packed), base 105, scale 5, radix 4,
  // 12 digits in 24 bits, no exceptions; no decimal exceptions.
  const double values[] = {10.5, 11.0, 11.5, 11.0, 10.5, 11.0, 11.5, 12.0, 11.5, 11.0, 10.5, 11.0};
  std::vector<sample> samples;
  for (int i = 0; i < 12; ++i)
    samples.push_back({1700000000000 + i * 15000 + i % 3 - 1, values[i]});
  check_pinned(samples, {0x02, 0x0c, 0x05, 0xfe, 0x9f, 0xab, 0xfe, 0xf9, 0x62, 0xac,
                         0xea, 0x01, 0x03, 0x01, 0xdb, 0x60, 0x00, 0x01, 0x04, 0xd2,
                         0x01, 0x05, 0x03, 0x46, 0xe4, 0x64, 0x00, 0x00});
}

TEST_CASE("malformed blocks are rejected saying what and where", "[codec]") {
  const auto message = [](std::vector<uint8_t> bytes) {
    auto r = decode_block(bytes);
    REQUIRE_FALSE(r);
    CHECK(r.error_value().code == errc::corruption);
    return r.error_value().message;
  };
  CHECK(message({}) == "empty block: no header at byte 0");
  CHECK(message({0x07}) == "unknown block header 7 at byte 0");
  CHECK(message({0x11}) == "unknown block header 17 at byte 0");
  CHECK(message({0x80}) == "unknown block header 128 at byte 0");
  CHECK(message({0x00, 0x00}) == "trailing bytes after an empty block at byte 1");
  CHECK(message({0x01}) == "truncated sample count at block byte 1");
  CHECK(message({0x01, 0x00}) == "implausible sample count 0 at block byte 1");
  CHECK(message({0x01, 0xff, 0xff, 0xff, 0x7f}) ==
        "implausible sample count 268435455 at block byte 1");
  CHECK_THAT(message({0x81, 0x01, 0x02}), Catch::Contains("zstd frame at block byte 1"));
  auto good = encode_block(test::series(10, 0, 15000, {1.5, 2.5}));
  good.push_back(0);
  CHECK_THAT(message(good), Catch::Contains("1 trailing bytes at block byte"));
}

TEST_CASE("every truncation of a block is an error, never a crash", "[codec]") {
  std::mt19937_64 rng{12};
  const std::vector<std::vector<sample>> inputs{test::jittered_counter(rng, 40),
                                                test::random_bits(rng, 30),
                                                test::series(40, 0, 15000, test::special_doubles()),
                                                test::series(200, 0, 15000, {1, 2, 3, 1, 2, 3, 7})};
  for (const auto& samples : inputs)
    for (const auto& o : all_options()) {
      const auto bytes = encode_block(samples, o);
      for (size_t len = 0; len < bytes.size(); ++len) {
        INFO("header " << int(bytes[0]) << " length " << len);
        auto r = decode_block(std::span{bytes}.first(len));
        CHECK_FALSE(r);
      }
    }
}

TEST_CASE("corrupted blocks decode to an error or to samples, never a crash", "[codec]") {
  std::mt19937_64 rng{13};
  const std::vector<std::vector<sample>> inputs{test::jittered_counter(rng, 60),
                                                test::random_bits(rng, 40),
                                                test::series(40, 0, 15000, test::special_doubles()),
                                                test::series(300, 0, 15000, {1, 2, 3, 1, 2, 3, 7})};
  size_t errors = 0;
  for (const auto& samples : inputs)
    for (const bool zstd : {false, true}) {
      encode_options o;
      o.zstd = zstd;
      const auto bytes = encode_block(samples, o);
      for (int round = 0; round < 1500; ++round) {
        auto bad = bytes;
        for (int flips = 1 + static_cast<int>(rng() % 3); flips > 0; --flips)
          bad[rng() % bad.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
        auto r = decode_block(bad);
        if (!r) {
          ++errors;
          CHECK(r.error_value().code == errc::corruption);
          CHECK_THAT(r.error_value().message, Catch::Contains(" byte "));
        } else {
          CHECK(r->size() <= max_block_samples);
        }
      }
    }
  CHECK(errors > 0);
}

TEST_CASE("decode_block_into appends and leaves the buffer alone on error", "[codec]") {
  std::vector<sample> out{{1, 1}};
  const auto samples = test::series(5, 10, 10, {0.5});
  auto n = decode_block_into(encode_block(samples), out);
  REQUIRE(n);
  CHECK(*n == 5);
  CHECK(out.size() == 6);
  CHECK(out[1] == samples[0]);
  auto bad = encode_block(samples);
  bad.pop_back();
  CHECK_FALSE(decode_block_into(bad, out));
  CHECK(out.size() == 6);
}

TEST_CASE("a head chunk kept verbatim is a block that decodes to its samples", "[codec]") {
  std::mt19937_64 rng{14};
  const auto samples = test::jittered_counter(rng, 120);
  xor_appender chunk;
  for (const auto& s : samples) REQUIRE(chunk.append(s.t, s.v));
  const auto block = wrap_head_chunk(chunk.bytes());
  CHECK(block[0] == block_head_chunk);
  CHECK(needs_reencoding(block));
  CHECK_FALSE(needs_reencoding(encode_block(samples)));
  auto back = decode_block(block);
  REQUIRE(back);
  CHECK(*back == samples);
  // Its samples cost more there than in the block encode_block chooses.
  CHECK(encode_block(samples).size() < block.size());
}

TEST_CASE("a damaged head chunk block is an error saying where", "[codec]") {
  xor_appender chunk;
  for (int i = 0; i < 20; ++i) REQUIRE(chunk.append(i * 15000, i * 0.25));
  const auto block = wrap_head_chunk(chunk.bytes());
  for (size_t len = 1; len < block.size() - 1; ++len) {
    INFO("length " << len);
    auto r = decode_block(std::span{block}.first(len));
    REQUIRE_FALSE(r);
    CHECK(r.error_value().code == errc::corruption);
    CHECK_THAT(r.error_value().message, Catch::StartsWith("head chunk block (offsets from byte 1)"));
  }
  CHECK(decode_block(std::vector<uint8_t>{block_head_chunk, 0, 0}).error_value().message ==
        "head chunk block (offsets from byte 1): implausible sample count 0 at byte 0");
  std::vector<sample> out{{1, 1}};
  CHECK_FALSE(decode_block_into(std::span{block}.first(block.size() / 2), out));
  CHECK(out.size() == 1);
}
