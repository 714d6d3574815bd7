#include "storage/chunk/xor_chunk.hpp"

#include <catch2/catch.hpp>
#include <random>

#include "tests/storage/chunk/chunk_test_data.hpp"

using namespace vigil;

namespace {

std::vector<uint8_t> build(const std::vector<sample>& samples) {
  xor_appender app;
  for (const auto& s : samples) REQUIRE(app.append(s.t, s.v));
  CHECK(app.num_samples() == samples.size());
  return {app.bytes().begin(), app.bytes().end()};
}

/// Everything an iterator yields; `err` tells whether it stopped on an error.
struct read_result {
  std::vector<sample> samples;
  bool err = false;
};

read_result read_all(std::span<const uint8_t> bytes) {
  read_result r;
  xor_iterator it{bytes};
  while (it.next()) r.samples.push_back(it.at());
  r.err = it.err().has_value();
  return r;
}

void check_round_trip(const std::vector<sample>& samples) {
  const auto bytes = build(samples);
  const auto back = read_all(bytes);
  CHECK_FALSE(back.err);
  CHECK(back.samples == samples);
}

}  // namespace

TEST_CASE("xor chunk round-trips every special double bit for bit", "[xor_chunk]") {
  const auto values = test::special_doubles();
  check_round_trip(test::series(values.size(), 1700000000000, 15000, values));
  // Each special value after each other one, so every XOR transition occurs.
  std::vector<double> pairs;
  for (double a : values)
    for (double b : values) pairs.insert(pairs.end(), {a, b});
  check_round_trip(test::series(pairs.size(), 0, 1, pairs));
}

TEST_CASE("xor chunk round-trips random bit patterns and irregular timestamps", "[xor_chunk]") {
  std::mt19937_64 rng{11};
  for (int round = 0; round < 20; ++round) check_round_trip(test::random_bits(rng, 300));
  check_round_trip(test::jittered_counter(rng, 500));
}

TEST_CASE("xor chunk round-trips int64 extremes and out-of-order timestamps", "[xor_chunk]") {
  std::vector<sample> samples;
  for (timestamp t : test::extreme_timestamps()) samples.push_back({t, static_cast<double>(t)});
  check_round_trip(samples);
}

TEST_CASE("xor chunk covers every delta-of-delta bucket boundary", "[xor_chunk]") {
  std::vector<sample> samples{{0, 1}, {1000, 1}};
  timestamp delta = 1000;
  const std::vector<int64_t> dods{0,
                                  -64,
                                  63,
                                  64,
                                  -65,
                                  -8192,
                                  8191,
                                  8192,
                                  -8193,
                                  -(1 << 19),
                                  (1 << 19) - 1,
                                  1 << 19,
                                  -(1 << 19) - 1,
                                  int64_t{1} << 40,
                                  -(int64_t{1} << 40)};
  for (int64_t dod : dods) {
    delta += dod;
    samples.push_back({samples.back().t + delta, 2});
  }
  check_round_trip(samples);
}

TEST_CASE("xor chunk handles zero and one sample", "[xor_chunk]") {
  xor_appender app;
  CHECK(app.bytes().size() == 2);
  const auto empty = read_all(app.bytes());
  CHECK(empty.samples.empty());
  CHECK_FALSE(empty.err);
  check_round_trip({{-5, stale_marker()}});
}

TEST_CASE("xor chunk bytes are a valid chunk after every append", "[xor_chunk]") {
  std::mt19937_64 rng{3};
  const auto samples = test::jittered_counter(rng, 130);
  xor_appender app;
  for (size_t i = 0; i < samples.size(); ++i) {
    REQUIRE(app.append(samples[i].t, samples[i].v));
    const auto back = read_all(app.bytes());
    REQUIRE_FALSE(back.err);
    REQUIRE(back.samples.size() == i + 1);
    CHECK(back.samples.back() == samples[i]);
  }
}

TEST_CASE("xor chunk refuses appends beyond its 16-bit sample count", "[xor_chunk]") {
  xor_appender app;
  for (size_t i = 0; i < xor_appender::max_samples; ++i)
    REQUIRE(app.append(static_cast<timestamp>(i) * 15000, 1));
  const auto size = app.bytes().size();
  CHECK_FALSE(app.append(1, 2));
  CHECK(app.bytes().size() == size);
  CHECK(app.num_samples() == xor_appender::max_samples);
  CHECK(read_all(app.bytes()).samples.size() == xor_appender::max_samples);
}

TEST_CASE("xor chunk costs a bit per repeated regular sample", "[xor_chunk]") {
  const auto bytes = build(test::series(120, 1700000000000, 15000, {42.0}));
  // Header, first sample (~6 + 8 bytes), first delta, then 2 bits per sample.
  CHECK(bytes.size() <= 2 + 6 + 8 + 3 + (118 * 2 + 7) / 8);
}

TEST_CASE("xor iterator seeks forward to the first sample at or after a time", "[xor_chunk]") {
  const auto bytes = build(test::series(10, 1000, 10, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  xor_iterator it{bytes};
  REQUIRE(it.seek(0));  // before the first: lands on the first
  CHECK(it.at().t == 1000);
  REQUIRE(it.seek(1000));  // already there: stays
  CHECK(it.at().t == 1000);
  REQUIRE(it.seek(1041));  // between samples: the next one
  CHECK(it.at() == sample{1050, 6});
  REQUIRE(it.seek(1010));  // backwards: stays put (forward only)
  CHECK(it.at().t == 1050);
  REQUIRE(it.next());
  CHECK(it.at().t == 1060);
  REQUIRE(it.seek(1090));  // exactly the last
  CHECK(it.at().v == 10);
  CHECK_FALSE(it.seek(1091));  // past the end
  CHECK_FALSE(it.next());
  CHECK_FALSE(it.seek(0));  // exhausted for good
  CHECK_FALSE(it.err());

  xor_iterator fresh{bytes};
  CHECK_FALSE(fresh.seek(5000));
  xor_appender none;
  xor_iterator empty{none.bytes()};
  CHECK_FALSE(empty.seek(0));
  CHECK_FALSE(empty.err());
}

TEST_CASE("a truncated xor chunk stops with a positioned error", "[xor_chunk]") {
  std::mt19937_64 rng{5};
  auto samples = test::jittered_counter(rng, 20);
  samples.push_back({samples.back().t + 1, stale_marker()});
  const auto bytes = build(samples);
  for (size_t len = 0; len < bytes.size(); ++len) {
    const auto back = read_all(std::span{bytes}.first(len));
    INFO("length " << len);
    CHECK(back.err);
    CHECK(back.samples.size() < samples.size());
    CHECK(std::equal(back.samples.begin(), back.samples.end(), samples.begin()));
  }
  xor_iterator it{std::span{bytes}.first(bytes.size() / 2)};
  while (it.next()) {
  }
  REQUIRE(it.err());
  CHECK(it.err()->code == errc::corruption);
  CHECK_THAT(it.err()->message,
             Catch::Contains("xor chunk: truncated") && Catch::Contains(" at byte "));
  CHECK_FALSE(it.next());  // sticky
  CHECK_FALSE(it.seek(0));
  xor_iterator tiny{std::span{bytes}.first(1)};
  REQUIRE(tiny.err());
  CHECK_THAT(tiny.err()->message, Catch::Contains("header at byte 0"));
}

TEST_CASE("corrupted xor chunks never crash the iterator", "[xor_chunk]") {
  std::mt19937_64 rng{9};
  const std::vector<std::vector<sample>> inputs{
      test::jittered_counter(rng, 60), test::random_bits(rng, 40),
      test::series(40, 0, 15000, test::special_doubles())};
  for (const auto& samples : inputs) {
    const auto bytes = build(samples);
    for (int round = 0; round < 3000; ++round) {
      auto bad = bytes;
      for (int flips = 1 + static_cast<int>(rng() % 3); flips > 0; --flips)
        bad[rng() % bad.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
      const auto back = read_all(bad);
      CHECK(back.samples.size() <= 65535);
    }
  }
}
