#include "storage/chunk/bit_stream.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <random>

using namespace vigil;

TEST_CASE("zigzag maps small magnitudes to small codes and back", "[bit_stream]") {
  CHECK(bits::zigzag(0) == 0);
  CHECK(bits::zigzag(-1) == 1);
  CHECK(bits::zigzag(1) == 2);
  CHECK(bits::zigzag(-2) == 3);
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{123456789},
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()})
    CHECK(bits::unzigzag(bits::zigzag(v)) == v);
}

TEST_CASE("signed fields: fit, sign extension and varint sizes", "[bit_stream]") {
  CHECK(bits::fits_signed(-64, 7));
  CHECK(bits::fits_signed(63, 7));
  CHECK_FALSE(bits::fits_signed(64, 7));
  CHECK_FALSE(bits::fits_signed(-65, 7));
  CHECK(bits::fits_signed(std::numeric_limits<int64_t>::min(), 64));
  CHECK(bits::sign_extend(0x7f, 7) == -1);
  CHECK(bits::sign_extend(0x40, 7) == -64);
  CHECK(bits::sign_extend(0x3f, 7) == 63);
  CHECK(bits::uvarint_size(0) == 1);
  CHECK(bits::uvarint_size(127) == 1);
  CHECK(bits::uvarint_size(128) == 2);
  CHECK(bits::uvarint_size(std::numeric_limits<uint64_t>::max()) == 10);
}

TEST_CASE("bit writer and reader round-trip fields of every width", "[bit_stream]") {
  std::mt19937_64 rng{7};
  std::vector<std::pair<uint64_t, unsigned>> fields;
  bit_writer w;
  for (int i = 0; i < 2000; ++i) {
    const auto n = static_cast<unsigned>(rng() % 65);
    const uint64_t v = bits::low(rng(), n);
    fields.emplace_back(v, n);
    w.write(v, n);
  }
  size_t total = 0;
  for (auto& f : fields) total += f.second;
  CHECK(w.bit_size() == total);
  bit_reader r{w.bytes()};
  for (auto& [v, n] : fields) REQUIRE(r.read(n) == v);
  CHECK(r.bits_left() < 8);
}

TEST_CASE("bits are written most significant first", "[bit_stream]") {
  bit_writer w;
  w.write_bit(true);
  w.write(0b01, 2);
  w.write(0x1ff, 9);
  REQUIRE(w.bytes().size() == 2);
  CHECK(w.bytes()[0] == 0b10111111);
  CHECK(w.bytes()[1] == 0b11110000);
}

TEST_CASE("a reader refuses to read past its end and stays exhausted", "[bit_stream]") {
  const std::vector<uint8_t> bytes{0xab, 0xcd};
  bit_reader r{bytes};
  CHECK(r.read(4) == 0xa);
  CHECK_FALSE(r.read(13));
  CHECK(r.bits_left() == 0);
  CHECK_FALSE(r.read(1));
  CHECK(r.read(0) == 0);
  bit_reader empty{{}};
  CHECK_FALSE(empty.read_bit());
}

TEST_CASE("bit-stream varints round-trip and overlong ones are rejected", "[bit_stream]") {
  bit_writer w;
  const std::vector<uint64_t> values{0, 1, 127, 128, 300, std::numeric_limits<uint64_t>::max()};
  for (auto v : values) w.write_uvarint(v);
  bit_reader r{w.bytes()};
  for (auto v : values) CHECK(r.read_uvarint() == v);
  CHECK_FALSE(r.read_uvarint());

  const std::vector<uint8_t> eleven(11, 0x80);
  bit_reader overlong{eleven};
  CHECK_FALSE(overlong.read_uvarint());
  const std::vector<uint8_t> too_big{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
  bit_reader overflow{too_big};
  CHECK_FALSE(overflow.read_uvarint());
}
