#include "storage/wal/replay.hpp"

#include <catch2/catch.hpp>
#include <fstream>

#include "storage/wal/wal.hpp"
#include "wal_test_util.hpp"

using namespace vigil;
using namespace vigil::wal;
using namespace vigil::wal::test;

namespace {

std::unique_ptr<write_ahead_log> open_log(const std::string& dir, std::vector<collected>& out,
                                          options opts = test_options(sync_mode::always)) {
  auto log = write_ahead_log::open(posix_file_system(), dir, opts, collect_into(out));
  if (!log) FAIL(to_string(log.error_value()));
  return std::move(*log);
}

void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace

TEST_CASE("wal replay truncates a torn tail at every byte offset and keeps working", "[wal]") {
  // One clean log: three records in segment 1.
  temp_dir source;
  const std::vector<std::string> kept{samples_payload(1, 20), samples_payload(2, 3)};
  const std::string last = samples_payload(3, 4);
  {
    std::vector<collected> none;
    auto log = open_log(source.path(), none);
    REQUIRE(log->append({2, kept[0]}));
    REQUIRE(log->append({2, kept[1]}));
    REQUIRE(log->append({2, last}));
    REQUIRE_FALSE(log->close());
  }
  auto original = posix_file_system().read_file(segment_path(source.path(), 1));
  REQUIRE(original);
  const uint64_t last_start = original->size() - record_header_size - last.size();

  for (uint64_t cut = last_start; cut < original->size(); ++cut) {
    INFO("segment cut at " << cut);
    temp_dir dir;
    write_file(segment_path(dir.path(), 1), original->substr(0, cut));
    std::vector<collected> records;
    auto log = open_log(dir.path(), records);
    CHECK(payloads_of(records) == kept);
    const auto& issues = log->replayed().issues;
    if (cut == last_start) {
      CHECK(issues.empty());  // a clean end between records
    } else {
      REQUIRE(issues.size() == 1);
      CHECK(issues[0].action == replay_action::truncated);
      CHECK(issues[0].kind == problem_kind::torn);
      CHECK(issues[0].file == segment_path(dir.path(), 1));
      CHECK(issues[0].offset == last_start);
      CHECK(issues[0].bytes_dropped == cut - last_start);
    }
    CHECK(size_of(segment_path(dir.path(), 1)) == last_start);
    // The log continues in a new segment, and a second replay is clean.
    CHECK(log->segment() == 2);
    REQUIRE(log->append({2, "after"}));
    REQUIRE_FALSE(log->close());
    auto again = replay_all(dir.path());
    CHECK(again.report.issues.empty());
    CHECK(again.payloads() == std::vector<std::string>{kept[0], kept[1], "after"});
  }
}

TEST_CASE("wal replay skips the rest of a corrupt earlier segment and says so", "[wal]") {
  temp_dir dir;
  std::vector<std::string> all;
  {
    std::vector<collected> none;
    auto log = open_log(dir.path(), none, test_options(sync_mode::batch, min_segment_size));
    for (uint32_t i = 0; log->segment() < 3; ++i) {
      all.push_back(payload_of(i, 500));
      REQUIRE(log->append({9, all.back()}));
    }
    REQUIRE_FALSE(log->close());
  }
  // Damage the second record of segment 1.
  const std::string first = segment_path(dir.path(), 1);
  auto bytes = posix_file_system().read_file(first);
  REQUIRE(bytes);
  const uint64_t second = record_header_size + 500;
  (*bytes)[second + record_header_size + 10] ^= 1;
  write_file(first, *bytes);
  const size_t in_first = bytes->size() / (record_header_size + 500);

  std::vector<collected> records;
  auto log = open_log(dir.path(), records);
  const auto& report = log->replayed();
  REQUIRE(report.issues.size() == 1);
  CHECK(report.issues[0].action == replay_action::skipped_rest);
  CHECK(report.issues[0].file == first);
  CHECK(report.issues[0].offset == second);
  CHECK(report.issues[0].bytes_dropped == bytes->size() - second);
  CHECK_THAT(report.issues[0].to_string(), Catch::Contains("checksum mismatch"));
  // Everything but records 2..n of segment 1 came back, in order.
  std::vector<std::string> expected{all[0]};
  expected.insert(expected.end(), all.begin() + long(in_first), all.end());
  CHECK(payloads_of(records) == expected);
  CHECK(size_of(first) == bytes->size());  // earlier segments are never truncated
}

TEST_CASE("wal replay truncates a corrupt record in the last segment", "[wal]") {
  temp_dir dir;
  {
    std::vector<collected> none;
    auto log = open_log(dir.path(), none);
    for (int i = 0; i < 5; ++i) REQUIRE(log->append({2, payload_of(i, 100)}));
    REQUIRE_FALSE(log->close());
  }
  const std::string seg = segment_path(dir.path(), 1);
  auto bytes = posix_file_system().read_file(seg);
  REQUIRE(bytes);
  const uint64_t third = 2 * (record_header_size + 100);
  (*bytes)[third + record_header_size + 50] ^= 0x80;
  write_file(seg, *bytes);
  std::vector<collected> records;
  auto log = open_log(dir.path(), records);
  CHECK(records.size() == 2);
  REQUIRE(log->replayed().issues.size() == 1);
  CHECK(log->replayed().issues[0].action == replay_action::truncated);
  CHECK(log->replayed().issues[0].kind == problem_kind::corrupt);
  CHECK(size_of(seg) == third);
}

TEST_CASE("wal replay reports gaps and continues after the highest segment", "[wal]") {
  temp_dir dir;
  for (uint32_t n : {1u, 2u, 5u, 7u}) {
    std::string framed;
    frame_record(framed, {1, "segment " + std::to_string(n)});
    write_file(segment_path(dir.path(), n), framed);
  }
  auto r = replay_all(dir.path());
  CHECK(r.payloads() ==
        std::vector<std::string>{"segment 1", "segment 2", "segment 5", "segment 7"});
  CHECK(r.report.segments == std::vector<uint32_t>{1, 2, 5, 7});
  REQUIRE(r.report.issues.size() == 2);
  CHECK(r.report.issues[0].action == replay_action::missing);
  CHECK(r.report.issues[0].file == segment_path(dir.path(), 3));
  CHECK(r.report.issues[0].what == "segments 00000003 to 00000004 missing");
  CHECK(r.report.issues[1].file == segment_path(dir.path(), 6));
  CHECK(r.report.issues[1].what == "segment missing");
  CHECK(r.report.next_segment == 8);
}

TEST_CASE("wal replay stops on a handler error and on a missing directory", "[wal]") {
  temp_dir dir;
  std::string framed;
  frame_record(framed, {1, "x"});
  frame_record(framed, {1, "y"});
  write_file(segment_path(dir.path(), 1), framed);
  int calls = 0;
  auto result = replay(posix_file_system(), dir.path(), [&](const replayed_record&) {
    ++calls;
    return std::optional<error>(error{errc::internal, "stop"});
  });
  REQUIRE_FALSE(result);
  CHECK(result.error_value().message == "stop");
  CHECK(calls == 1);
  std::vector<collected> none;
  auto missing = replay(posix_file_system(), dir / "absent", collect_into(none));
  REQUIRE_FALSE(missing);
  CHECK(missing.error_value().code == errc::not_found);
}

TEST_CASE("an empty directory replays to nothing and starts at segment 1", "[wal]") {
  temp_dir dir;
  std::vector<collected> records;
  auto log = open_log(dir / "fresh", records);
  CHECK(records.empty());
  CHECK(log->replayed().issues.empty());
  CHECK(log->segment() == first_segment_number);
  CHECK(log->written_position() == make_position(1, 0));
  CHECK(log->durable_position() == make_position(1, 0));
  CHECK_FALSE(log->wait_durable(log->written_position()));
}
