#include "runtime/wire/remote_write.hpp"
#include "tests/support/sample_lists.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace vigil;
using namespace vigil::wire;

namespace {

constexpr std::size_t limit = 1 << 20;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Hand-written protobuf and snappy, independent of the libraries under test.
std::string varint(uint64_t v) {
  std::string out;
  for (; v >= 0x80; v >>= 7) out += char(v | 0x80);
  out += char(v);
  return out;
}

std::string bytes_field(int number, std::string_view payload) {
  return varint(uint64_t(number) << 3 | 2) + varint(payload.size()) + std::string(payload);
}

// Snappy's block format with literal elements only: the length, then
// chunks of at most 60 bytes, each after a tag byte (length - 1) << 2.
std::string snappy_literal(std::string_view raw) {
  std::string out = varint(raw.size());
  for (std::size_t at = 0; at < raw.size(); at += 60) {
    auto chunk = raw.substr(at, 60);
    out += char((chunk.size() - 1) << 2);
    out += chunk;
  }
  return out;
}

std::string label_message(std::string_view name, std::string_view value) {
  return bytes_field(1, name) + bytes_field(2, value);
}

series_write series(std::vector<label> pairs, series_write::sample_list samples) {
  return {labels::from_sorted(std::move(pairs)), std::move(samples)};
}

remote_write_batch decode_ok(std::string_view body) {
  auto batch = decode_remote_write(body, limit);
  INFO((batch ? "" : batch.error_value().message));
  REQUIRE(batch);
  return std::move(batch).value();
}

}  // namespace

TEST_CASE("a body captured from Prometheus 2.42 decodes to its series", "[remote_write]") {
  const char* source = std::getenv("VIGIL_SOURCE_DIR");
  INFO("VIGIL_SOURCE_DIR names the source tree (CTest sets it)");
  REQUIRE(source != nullptr);
  // Prometheus scraping itself, max_samples_per_send 60.
  auto body = read_file(std::filesystem::path{source} / "tests" / "wire" / "data" /
                        "prometheus_2.42_remote_write.bin");
  REQUIRE(body.size() == 1530);
  auto batch = decode_ok(body);
  CHECK(batch.issues.empty());
  REQUIRE(batch.series.size() == 60);
  const auto& first = batch.series.front();
  CHECK(first.ls.to_string() ==
        R"(go_gc_duration_seconds{instance="127.0.0.1:19390", job="prometheus", quantile="0"})");
  REQUIRE(first.samples.size() == 1);
  CHECK(first.samples[0].t == 1795626337657);
  CHECK(first.samples[0].v == Approx(6.4773e-05));
  for (const auto& s : batch.series) CHECK(s.ls.get("job") == "prometheus");
  // Re-encoding gives the same series.
  CHECK(decode_ok(encode_remote_write(batch.series)).series.size() == 60);
}

TEST_CASE("encoded series decode to the same labels and sample bits", "[remote_write]") {
  std::vector<series_write> in = {
      series({{"__name__", "up"}, {"job", "a"}},
             {{-5, 1}, {0, stale_marker()}, {1700000000000, -0.0}, {1700000000001, NAN}}),
      series({{"__name__", "x"}, {"le", "+Inf"}, {"path", "/ü"}}, {{7, 1e300}}),
  };
  auto out = decode_ok(encode_remote_write(in));
  CHECK(out.issues.empty());
  REQUIRE(out.series.size() == 2);
  for (std::size_t i = 0; i < in.size(); ++i) {
    CHECK(out.series[i].ls == in[i].ls);
    CHECK(out.series[i].samples == in[i].samples);
  }
}

TEST_CASE("a series with bad labels is an issue naming it and the others are kept",
          "[remote_write]") {
  std::vector<series_write> in = {
      series({{"__name__", "ok"}}, {{1, 1}}),
      series({{"__name__", "a"}, {"bad-name", "1"}}, {{1, 1}}),
      series({{"__name__", "a"}, {"x", "1"}, {"x", "2"}}, {{1, 1}}),
      series({{"job", "no name"}}, {{1, 1}}),
      series({{"__name__", ""}, {"job", "empty name"}}, {{1, 1}}),
      series({{"__name__", "a"}, {"v", "\xff"}}, {{1, 1}}),
      series({{"__name__", "1a"}}, {{1, 1}}),
      series({{"__name__", "also_ok"}}, {{1, 1}}),
  };
  auto out = decode_ok(encode_remote_write(in));
  REQUIRE(out.series.size() == 2);
  CHECK(out.series[1].ls.metric_name() == "also_ok");
  REQUIRE(out.issues.size() == 6);
  for (std::size_t i = 0; i < out.issues.size(); ++i) {
    CHECK(out.issues[i].series_index == i + 1);
    CHECK(out.issues[i].code == "invalid_labels");
  }
  CHECK(out.issues[0].message == R"(series 1: labels[1].name: invalid label name "bad-name")");
  CHECK(out.issues[1].message == R"(series 2: labels: duplicate label name "x")");
  CHECK(out.issues[2].message == "series 3: labels: no __name__ label");
  CHECK(out.issues[3].message == "series 4: labels: no __name__ label");
  CHECK(out.issues[4].message == "series 5: labels[1].value: invalid UTF-8");
  CHECK(out.issues[5].message == R"(series 6: labels: invalid metric name "1a")");
}

TEST_CASE("samples out of time order are dropped with an issue naming the first",
          "[remote_write]") {
  std::vector<series_write> in = {
      series({{"__name__", "a"}}, {{10, 1}, {20, 2}, {15, 3}, {20, 4}, {30, 5}}),
      series({{"__name__", "b"}}, {}),
  };
  auto out = decode_ok(encode_remote_write(in));
  REQUIRE(out.series.size() == 1);
  CHECK(out.series[0].samples == std::vector<sample>{{10, 1}, {20, 2}, {30, 5}});
  REQUIRE(out.issues.size() == 1);
  CHECK(out.issues[0].code == "out_of_order");
  CHECK(out.issues[0].message ==
        "series 0: samples[2].timestamp: 15 is not after 20; 2 of 5 samples dropped");
}

TEST_CASE("metadata, exemplars, histograms and unknown fields are skipped", "[remote_write]") {
  const std::string sample_bytes = "\x09" + std::string(8, '\0') + "\x10\x2a";  // value 0, t 42
  const std::string ts = bytes_field(1, label_message("__name__", "m")) +
                         bytes_field(2, sample_bytes) + bytes_field(3, "exemplar") +
                         bytes_field(4, "histogram") + bytes_field(4, "histogram") +
                         varint(9 << 3) + varint(300);
  const std::string request = bytes_field(1, ts) + bytes_field(3, "metadata") +
                              bytes_field(1, bytes_field(1, label_message("__name__", "n")));
  auto out = decode_ok(snappy_literal(request));
  CHECK(out.issues.empty());
  REQUIRE(out.series.size() == 1);
  CHECK(out.series[0].samples == std::vector<sample>{{42, 0}});
  CHECK(out.metadata == 1);
  CHECK(out.exemplars == 1);
  CHECK(out.histograms == 2);
}

TEST_CASE("a body larger than the limit is refused before it is uncompressed", "[remote_write]") {
  // A snappy header claiming 3 GiB and no data.
  auto huge = decode_remote_write(varint(uint64_t{3} << 30), limit);
  REQUIRE_FALSE(huge);
  CHECK(huge.error_value().code == errc::limit_exceeded);
  auto body = encode_remote_write(std::vector{series({{"__name__", "a"}}, {{1, 1}})});
  CHECK(decode_remote_write(body, 8).error_value().code == errc::limit_exceeded);
}

TEST_CASE("bodies that are not snappy or not a WriteRequest are parse errors", "[remote_write]") {
  auto check = [](std::string_view body, std::string_view message) {
    auto out = decode_remote_write(body, limit);
    REQUIRE_FALSE(out);
    CHECK(out.error_value().code == errc::parse_error);
    CHECK(out.error_value().message == message);
  };
  check("", "remote write body is not snappy-compressed (block format)");
  // A copy element before any output.
  check(std::string("\x05\x01\x00", 3), "remote write body: corrupt snappy data");
  check(snappy_literal("\x0a\x05\x0a"), "remote write body is not a protobuf WriteRequest");
  CHECK(decode_ok(snappy_literal("")).series.empty());
}
