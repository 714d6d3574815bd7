#include "storage/wal/records.hpp"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

using namespace vigil;
using namespace vigil::wal;

namespace {

labels make_labels(std::vector<label> pairs) {
  auto l = labels::from(std::move(pairs));
  REQUIRE(l);
  return *l;
}

std::vector<sample_entry> round_trip(const std::vector<sample_entry>& in) {
  std::string buf;
  encode_samples(in, buf);
  std::vector<sample_entry> out;
  auto err = decode_samples(buf, out);
  REQUIRE_FALSE(err);
  return out;
}

}  // namespace

TEST_CASE("series records round trip ids and label sets", "[wal][records]") {
  std::vector<series_entry> in{
      {1, make_labels({{"__name__", "up"}, {"job", "api"}, {"instance", "10.0.0.1:9090"}})},
      {1ULL << 40, make_labels({{"__name__", "http_requests_total"}, {"path", "/a b\"c\n"}})},
      {7, labels{}},
      {std::numeric_limits<uint64_t>::max(), make_labels({{"x", std::string(300, 'v')}})},
  };
  std::string buf = "prefix";
  encode_series(in, buf);
  REQUIRE(buf.starts_with("prefix"));  // encoders append
  std::vector<series_entry> out{{99, labels{}}};
  REQUIRE_FALSE(decode_series(std::string_view(buf).substr(6), out));
  CHECK(out == in);
}

TEST_CASE("sample records keep exact value bits including NaN payloads", "[wal][records]") {
  const double nan_with_payload = std::bit_cast<double>(0x7ff8dead'beef0001ULL);
  const double signalling_nan = std::bit_cast<double>(0x7ff0000000000001ULL);
  std::vector<sample_entry> in{
      {100, 1'700'000'000'000, 1.5},
      {100, 1'700'000'015'000, -0.0},
      {101, 1'700'000'015'000, std::numeric_limits<double>::infinity()},
      {99, 1'699'999'999'000, -std::numeric_limits<double>::infinity()},
      {5, 1'700'000'030'000, nan_with_payload},
      {100, 1'700'000'045'000, signalling_nan},
      {100, 1'700'000'060'000, stale_marker()},
      {100, 1'700'000'075'000, std::numeric_limits<double>::denorm_min()},
      {100, 1'700'000'090'000, std::numeric_limits<double>::max()},
  };
  auto out = round_trip(in);
  REQUIRE(out.size() == in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    INFO(i);
    CHECK(out[i] == in[i]);
    CHECK(std::bit_cast<uint64_t>(out[i].v) == std::bit_cast<uint64_t>(in[i].v));
  }
  CHECK(is_stale_marker(out[6].v));
  CHECK(std::signbit(out[1].v));
}

TEST_CASE("sample records survive extreme ids and timestamps", "[wal][records]") {
  constexpr auto tmin = std::numeric_limits<int64_t>::min();
  constexpr auto tmax = std::numeric_limits<int64_t>::max();
  constexpr auto idmax = std::numeric_limits<uint64_t>::max();
  std::vector<sample_entry> in{
      {idmax, tmax, 1}, {0, tmin, 2}, {idmax / 2, 0, 3}, {1, -1, 4}, {idmax, tmin, 5}};
  CHECK(round_trip(in) == in);
  CHECK(round_trip({}).empty());
}

TEST_CASE("sample records are compact for a scrape-like batch", "[wal][records]") {
  std::vector<sample_entry> in;
  for (uint64_t i = 0; i < 1000; ++i)
    in.push_back({5000 + i, 1'700'000'000'000 + timestamp(i % 3), 1.0});
  std::string buf;
  encode_samples(in, buf);
  // 8 value bytes plus ~2 bytes of id delta and 1 of time delta.
  CHECK(buf.size() < 1000 * 11 + 16);
  CHECK(round_trip(in) == in);
}

TEST_CASE("tombstone records round trip", "[wal][records]") {
  std::vector<series_id> in{3, 1, std::numeric_limits<uint64_t>::max(), 0};
  std::string buf;
  encode_tombstones(in, buf);
  std::vector<series_id> out;
  REQUIRE_FALSE(decode_tombstones(buf, out));
  CHECK(out == in);
}

TEST_CASE("every truncation of a payload is corruption with an offset", "[wal][records]") {
  std::string series;
  encode_series(std::vector<series_entry>{{42, make_labels({{"__name__", "up"}, {"job", "x"}})}},
                series);
  std::string samples;
  encode_samples(std::vector<sample_entry>{{1, 2, 3.0}, {4, 5, 6.0}}, samples);
  std::string tombstones;
  encode_tombstones(std::vector<series_id>{300, 400}, tombstones);
  std::vector<series_entry> s;
  std::vector<sample_entry> x;
  std::vector<series_id> t;
  for (size_t n = 0; n < series.size(); ++n) {
    auto err = decode_series(std::string_view(series).substr(0, n), s);
    REQUIRE(err);
    CHECK(err->code == errc::corruption);
    CHECK_THAT(err->message, Catch::Contains("series record: offset "));
  }
  for (size_t n = 0; n < samples.size(); ++n) {
    auto err = decode_samples(std::string_view(samples).substr(0, n), x);
    REQUIRE(err);
    CHECK(err->code == errc::corruption);
  }
  for (size_t n = 0; n < tombstones.size(); ++n)
    CHECK(decode_tombstones(tombstones.substr(0, n), t));
}

TEST_CASE("payload decoding rejects trailing bytes, huge counts and overlong varints",
          "[wal][records]") {
  std::vector<sample_entry> x;
  std::string samples;
  encode_samples(std::vector<sample_entry>{{1, 2, 3.0}}, samples);
  auto trailing = decode_samples(samples + "z", x);
  REQUIRE(trailing);
  CHECK(trailing->message ==
        "samples record: offset " + std::to_string(samples.size()) + ": trailing bytes");
  // A count of 2^62 with nothing after it must not allocate.
  std::string huge = "\x80\x80\x80\x80\x80\x80\x80\x80\x40";
  CHECK(decode_samples(huge, x));
  std::vector<series_entry> s;
  CHECK(decode_series(huge, s));
  std::string overlong(11, '\xff');
  std::vector<series_id> t;
  auto err = decode_tombstones(overlong, t);
  REQUIRE(err);
  CHECK_THAT(err->message, Catch::Contains("varint overflows 64 bits"));
}
