#include "storage/wal/reader.hpp"

#include <catch2/catch.hpp>
#include <fstream>

#include "storage/wal/log_format.hpp"
#include "wal_test_util.hpp"

using namespace vigil;
using namespace vigil::wal;
using namespace vigil::wal::test;

namespace {

struct span_of_record {
  uint32_t segment;
  uint64_t start;
  uint64_t end;
};

size_t records_in(const std::vector<span_of_record>& spans, uint32_t segment) {
  return size_t(std::count_if(spans.begin(), spans.end(),
                              [&](const auto& s) { return s.segment == segment; }));
}

// Writes single-record batches until the second segment holds three
// records; returns where each record landed.
std::vector<span_of_record> write_two_segments(const std::string& dir) {
  auto w =
      writer::create(posix_file_system(), dir, 1, test_options(sync_mode::never, min_segment_size));
  REQUIRE(w);
  std::vector<span_of_record> spans;
  uint64_t prev = make_position(1, 0);
  for (uint32_t i = 0; records_in(spans, 2) < 3; ++i) {
    auto pos = (*w)->append({1, payload_of(i, 300 + i)});
    REQUIRE(pos);
    uint64_t start = position_segment(prev) == position_segment(*pos) ? position_offset(prev) : 0;
    spans.push_back({position_segment(*pos), start, position_offset(*pos)});
    prev = *pos;
  }
  REQUIRE_FALSE((*w)->close());
  return spans;
}

void rewrite(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace

TEST_CASE("a flipped byte anywhere in a record is reported with its file and offset", "[wal]") {
  temp_dir dir;
  auto spans = write_two_segments(dir.path());
  const std::string first = segment_path(dir.path(), 1);
  auto original = posix_file_system().read_file(first);
  REQUIRE(original);
  const size_t victim = records_in(spans, 1) / 2;
  const auto& target = spans[victim];
  for (uint64_t at = target.start; at < target.end; ++at) {
    INFO("flipped byte at " << at);
    std::string damaged = *original;
    damaged[at] = char(damaged[at] ^ 0x55);
    rewrite(first, damaged);
    reader in(posix_file_system(), dir.path(), {1, 2});
    size_t good = 0;
    while (in.next()) ++good;
    REQUIRE(in.problem());
    CHECK(good == victim);
    CHECK(in.problem()->file == first);
    CHECK(in.problem()->offset == target.start);
    // Not the last segment: even a length now pointing past the end is
    // corruption, never a torn tail.
    CHECK(in.problem()->kind == problem_kind::corrupt);
    CHECK(in.segment() == 1);
    // The reader can go on with the next segment.
    REQUIRE(in.skip_segment());
    size_t after = 0;
    while (in.next()) ++after;
    CHECK_FALSE(in.problem());
    CHECK(after == records_in(spans, 2));
  }
}

TEST_CASE("reader classifies a record cut short by where it is", "[wal]") {
  temp_dir dir;
  auto spans = write_two_segments(dir.path());
  const std::string last = segment_path(dir.path(), 2);
  auto bytes = posix_file_system().read_file(last);
  REQUIRE(bytes);
  rewrite(last, bytes->substr(0, bytes->size() - 1));
  {
    auto in = segment_reader::open(posix_file_system(), last, /*last_segment=*/true);
    REQUIRE(in);
    while (in->next()) {
    }
    REQUIRE(in->problem());
    CHECK(in->problem()->kind == problem_kind::torn);
    CHECK(in->problem()->offset == spans.back().start);
    CHECK(in->good_end() == spans.back().start);
    CHECK_THAT(in->problem()->what, Catch::Contains("cut short"));
  }
  auto in = segment_reader::open(posix_file_system(), last, /*last_segment=*/false);
  REQUIRE(in);
  while (in->next()) {
  }
  REQUIRE(in->problem());
  CHECK(in->problem()->kind == problem_kind::corrupt);
}

TEST_CASE("reader rejects absurd lengths, type 0 and zero-filled tails", "[wal]") {
  temp_dir dir;
  auto spans = write_two_segments(dir.path());
  const std::string last = segment_path(dir.path(), 2);
  auto bytes = posix_file_system().read_file(last);
  REQUIRE(bytes);
  auto problem_after = [&](const std::string& content) {
    rewrite(last, content);
    auto in = segment_reader::open(posix_file_system(), last, true);
    REQUIRE(in);
    while (in->next()) {
    }
    REQUIRE(in->problem());
    return *in->problem();
  };
  std::string absurd = *bytes;
  absurd.replace(spans.back().start, 4, "\xf0\xff\xff\xff");
  auto p = problem_after(absurd);
  CHECK(p.kind == problem_kind::corrupt);
  CHECK(p.offset == spans.back().start);
  CHECK_THAT(p.what, Catch::Contains("exceeds the maximum"));

  std::string type0 = *bytes;
  type0[spans.back().start + type_offset] = '\0';
  CHECK(problem_after(type0).what == "record type 0");

  p = problem_after(*bytes + std::string(4096, '\0'));
  CHECK(p.offset == bytes->size());
  CHECK(p.what == "zero-filled record header");
  CHECK(p.file_size == bytes->size() + 4096);
}

TEST_CASE("reader reports a missing segment file as an I/O problem", "[wal]") {
  temp_dir dir;
  write_two_segments(dir.path());
  reader in(posix_file_system(), dir.path(), {1, 2, 3});
  while (in.next()) {
  }
  REQUIRE(in.problem());
  CHECK(in.problem()->kind == problem_kind::io_error);
  CHECK(in.problem()->file == segment_path(dir.path(), 3));
  CHECK_THAT(in.problem()->to_string(), Catch::Contains("No such file"));
}
