#include "storage/wal/writer.hpp"

#include <catch2/catch.hpp>

#include "storage/base/crc32c.hpp"
#include "storage/wal/reader.hpp"
#include "wal_test_util.hpp"

using namespace vigil;
using namespace vigil::wal;
using namespace vigil::wal::test;

namespace {

std::unique_ptr<writer> make_writer(const std::string& dir, options opts, uint32_t segment = 1) {
  auto w = writer::create(posix_file_system(), dir, segment, opts);
  if (!w) FAIL(to_string(w.error_value()));
  return std::move(*w);
}

}  // namespace

TEST_CASE("writer frames records as documented in log_format.hpp", "[wal]") {
  temp_dir dir;
  auto w = make_writer(dir.path(), test_options(sync_mode::never));
  auto pos = w->append({7, "abc"});
  REQUIRE(pos);
  REQUIRE_FALSE(w->close());
  auto bytes = posix_file_system().read_file(segment_path(dir.path(), 1));
  REQUIRE(bytes);
  // length 3, crc32c("\x07abc") little-endian, type 7, payload.
  std::string expected_header{"\x03\x00\x00\x00", 4};
  CHECK(bytes->substr(0, 4) == expected_header);
  uint32_t crc = uint8_t((*bytes)[4]) | uint8_t((*bytes)[5]) << 8 | uint8_t((*bytes)[6]) << 16 |
                 uint32_t(uint8_t((*bytes)[7])) << 24;
  CHECK(crc == crc32c::value("\x07"
                             "abc"));
  CHECK(bytes->substr(8) ==
        "\x07"
        "abc");
  CHECK(*pos == make_position(1, 12));
}

TEST_CASE("writer rolls segments and a reader reads every record back in order", "[wal]") {
  temp_dir dir;
  auto w = make_writer(dir.path(), test_options(sync_mode::batch, min_segment_size));
  std::vector<std::string> written;
  uint64_t last = 0;
  for (uint32_t i = 0; i < 300; ++i) {
    std::vector<std::string> payloads{payload_of(i, 10 + i % 90), payload_of(i + 1000, i % 5)};
    std::vector<record_view> batch{{2, payloads[0]}, {3, payloads[1]}};
    auto pos = w->append(batch);
    REQUIRE(pos);
    CHECK(*pos > last);  // positions only grow
    CHECK(position_segment(*pos) == w->segment());
    last = *pos;
    written.insert(written.end(), payloads.begin(), payloads.end());
  }
  // A batch larger than a segment gets one of its own.
  std::string big = payload_of(7, 3 * min_segment_size);
  auto big_pos = w->append({4, big});
  REQUIRE(big_pos);
  CHECK(position_offset(*big_pos) == big.size() + record_header_size);
  written.push_back(big);
  REQUIRE_FALSE(w->wait_durable(*big_pos));
  REQUIRE_FALSE(w->close());

  auto listing = list_log_dir(posix_file_system(), dir.path());
  REQUIRE(listing);
  REQUIRE(listing->segments.size() > 5);
  for (size_t i = 0; i < listing->segments.size(); ++i) {
    CHECK(listing->segments[i] == i + 1);
    if (i + 1 < listing->segments.size())
      CHECK(size_of(segment_path(dir.path(), listing->segments[i])) <= min_segment_size);
  }
  reader in(posix_file_system(), dir.path(), listing->segments);
  std::vector<std::string> read;
  while (in.next()) read.emplace_back(in.record().payload);
  CHECK_FALSE(in.problem());
  CHECK(read == written);
}

TEST_CASE("writer rejects bad batches and appends after close", "[wal]") {
  temp_dir dir;
  auto w = make_writer(dir.path(), test_options(sync_mode::always));
  CHECK(w->append(std::span<const record_view>{}).error_value().code == errc::invalid_argument);
  CHECK(w->append({0, "x"}).error_value().code == errc::invalid_argument);
  std::string huge(max_record_length + 1, 'x');
  CHECK(w->append({1, huge}).error_value().code == errc::limit_exceeded);
  auto pos = w->append({1, "ok"});
  REQUIRE(pos);
  CHECK(w->wait_durable(*pos + 1)->code == errc::invalid_argument);
  REQUIRE_FALSE(w->close());
  REQUIRE_FALSE(w->close());  // idempotent
  CHECK(w->append({1, "late"}).error_value().code == errc::unavailable);
  CHECK_FALSE(w->wait_durable(*pos));  // still answers for what was written
}

TEST_CASE("writer options outside their bounds are rejected", "[wal]") {
  temp_dir dir;
  options opts;
  opts.segment_size = min_segment_size - 1;
  CHECK(writer::create(posix_file_system(), dir.path(), 1, opts).error_value().code ==
        errc::invalid_argument);
  opts.segment_size = max_segment_size + 1;
  CHECK_FALSE(writer::create(posix_file_system(), dir.path(), 1, opts));
  CHECK_FALSE(writer::create(posix_file_system(), dir.path(), 0, options{}));
}

TEST_CASE("roll starts a new segment only when the current one has data", "[wal]") {
  temp_dir dir;
  auto w = make_writer(dir.path(), test_options(sync_mode::never), 5);
  CHECK(w->written_position() == make_position(5, 0));
  REQUIRE_FALSE(w->roll());
  CHECK(w->segment() == 5);
  REQUIRE(w->append({1, "a"}));
  REQUIRE_FALSE(w->roll());
  CHECK(w->segment() == 6);
  auto pos = w->append({1, "b"});
  REQUIRE(pos);
  CHECK(position_segment(*pos) == 6);
}
