#include "storage/wal/checkpoint.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

#include "fault_file_system.hpp"
#include "storage/wal/wal.hpp"
#include "wal_test_util.hpp"

using namespace vigil;
using namespace vigil::wal;
using namespace vigil::wal::test;

namespace {

std::string series_payload(series_id id) {
  auto lbls = labels::from({{"__name__", "up"}, {"instance", "host-" + std::to_string(id)}});
  REQUIRE(lbls);
  std::string out;
  encode_series(std::vector<series_entry>{{id, *lbls}}, out);
  return out;
}

std::unique_ptr<write_ahead_log> open_log(file_system& fs, const std::string& dir,
                                          std::vector<collected>& out) {
  auto log = write_ahead_log::open(fs, dir, test_options(sync_mode::batch, min_segment_size),
                                   collect_into(out));
  if (!log) FAIL(to_string(log.error_value()));
  return std::move(*log);
}

bool exists(const std::string& path) {
  return std::filesystem::exists(path);
}

}  // namespace

TEST_CASE("checkpoint then truncate: replay reads the checkpoint, then later segments",
          "[wal][checkpoint]") {
  temp_dir dir;
  std::vector<collected> none;
  auto log = open_log(posix_file_system(), dir.path(), none);
  // Series 1..3 and many samples spread over several segments.
  for (series_id id = 1; id <= 3; ++id) REQUIRE(log->append({1, series_payload(id)}));
  for (uint32_t i = 0; log->segment() < 4; ++i) REQUIRE(log->append({2, samples_payload(1, 40)}));
  REQUIRE_FALSE(log->roll());
  const uint32_t through = log->segment() - 1;
  // Series 2 was removed meanwhile; the caller keeps only 1 and 3.
  std::vector<std::string> keep{series_payload(1), series_payload(3)};
  std::vector<record_view> views{{1, keep[0]}, {1, keep[1]}};
  REQUIRE_FALSE(log->checkpoint(through, views));
  REQUIRE_FALSE(log->truncate_before(through + 1));
  for (uint32_t s = 1; s <= through; ++s) CHECK_FALSE(exists(segment_path(dir.path(), s)));
  CHECK(exists(dir / checkpoint_name(through)));
  const std::string after = samples_payload(3, 5);
  REQUIRE(log->append({2, after}));
  REQUIRE_FALSE(log->close());

  auto r = replay_all(dir.path());
  CHECK(r.report.issues.empty());
  CHECK(r.report.checkpoint == through);
  REQUIRE(r.records.size() == 3);
  CHECK(r.records[0] == collected{1, keep[0], through, true});
  CHECK(r.records[1] == collected{1, keep[1], through, true});
  CHECK(r.records[2].payload == after);
  CHECK_FALSE(r.records[2].from_checkpoint);
  CHECK(r.records[2].segment == through + 1);
}

TEST_CASE("a newer checkpoint replaces the older one", "[wal][checkpoint]") {
  temp_dir dir;
  std::vector<collected> none;
  auto log = open_log(posix_file_system(), dir.path(), none);
  REQUIRE(log->append({1, "a"}));
  REQUIRE_FALSE(log->roll());
  REQUIRE_FALSE(log->checkpoint(1, std::vector<record_view>{{1, "first"}}));
  REQUIRE(log->append({1, "b"}));
  REQUIRE_FALSE(log->roll());
  REQUIRE_FALSE(log->checkpoint(2, std::vector<record_view>{{1, "second"}}));
  CHECK_FALSE(exists(dir / checkpoint_name(1)));
  REQUIRE_FALSE(log->close());
  // Segments 1 and 2 were not truncated by the caller; replay ignores them.
  auto r = replay_all(dir.path());
  CHECK(r.payloads() == std::vector<std::string>{"second"});
}

TEST_CASE("checkpoints must precede the current segment and be newer than the last",
          "[wal][checkpoint]") {
  temp_dir dir;
  std::vector<collected> none;
  auto log = open_log(posix_file_system(), dir.path(), none);
  REQUIRE(log->append({1, "a"}));
  CHECK(log->checkpoint(1, {})->code == errc::invalid_argument);
  CHECK(log->truncate_before(2)->code == errc::invalid_argument);
  REQUIRE_FALSE(log->roll());
  REQUIRE_FALSE(log->checkpoint(1, {}));
  CHECK(log->checkpoint(1, {})->code == errc::invalid_argument);
  CHECK(checkpoint_writer::create(posix_file_system(), dir.path(), 0).error_value().code ==
        errc::invalid_argument);
}

TEST_CASE("an unfinished checkpoint is invisible and removed on open", "[wal][checkpoint]") {
  temp_dir dir;
  {
    std::vector<collected> none;
    auto log = open_log(posix_file_system(), dir.path(), none);
    REQUIRE(log->append({1, "kept"}));
    REQUIRE_FALSE(log->roll());
    // Crash before commit: the tmp directory stays behind.
    auto w = checkpoint_writer::create(posix_file_system(), dir.path(), 1);
    REQUIRE(w);
    REQUIRE_FALSE((*w)->append(std::vector<record_view>{{1, "lost"}}));
    std::filesystem::copy(dir / "checkpoint.00000001.tmp", dir / "saved.tmp");
  }
  CHECK_FALSE(exists(dir / "checkpoint.00000001.tmp"));  // abandoned by its destructor
  std::filesystem::rename(dir / "saved.tmp", dir / "checkpoint.00000001.tmp");
  std::vector<collected> records;
  auto log = open_log(posix_file_system(), dir.path(), records);
  CHECK(payloads_of(records) == std::vector<std::string>{"kept"});
  CHECK(log->replayed().removed == std::vector<std::string>{dir / "checkpoint.00000001.tmp"});
  CHECK_FALSE(exists(dir / "checkpoint.00000001.tmp"));
}

TEST_CASE("a checkpoint whose fsync fails is abandoned", "[wal][checkpoint]") {
  temp_dir dir;
  fault_file_system fs(posix_file_system());
  std::vector<collected> none;
  auto log = open_log(fs, dir.path(), none);
  // Settle the log first, so the syncer thread has nothing left to fsync
  // and the injected failure hits the checkpoint.
  REQUIRE_FALSE(log->wait_durable(log->append({1, "a"}).value()));
  REQUIRE_FALSE(log->roll());
  fs.fail_syncs_after(0);
  auto err = log->checkpoint(1, std::vector<record_view>{{1, "c"}});
  REQUIRE(err);
  CHECK(err->code == errc::io_error);
  CHECK_FALSE(exists(dir / checkpoint_name(1)));
  CHECK_FALSE(exists(dir / "checkpoint.00000001.tmp"));
}

TEST_CASE("open deletes what a committed checkpoint made obsolete", "[wal][checkpoint]") {
  temp_dir dir;
  {
    std::vector<collected> none;
    auto log = open_log(posix_file_system(), dir.path(), none);
    REQUIRE(log->append({1, "old"}));
    REQUIRE_FALSE(log->roll());
    REQUIRE(log->append({1, "new"}));
    REQUIRE_FALSE(log->roll());
    REQUIRE_FALSE(log->close());
  }
  // A crash right after the rename: the covered segment 1 is still there.
  REQUIRE_FALSE(write_checkpoint(posix_file_system(), dir.path(), 1,
                                 std::vector<record_view>{{1, "from checkpoint"}}));
  REQUIRE(exists(segment_path(dir.path(), 1)));
  std::vector<collected> records;
  auto log = open_log(posix_file_system(), dir.path(), records);
  CHECK(payloads_of(records) == std::vector<std::string>{"from checkpoint", "new"});
  CHECK_FALSE(exists(segment_path(dir.path(), 1)));
  CHECK(exists(segment_path(dir.path(), 2)));
}
