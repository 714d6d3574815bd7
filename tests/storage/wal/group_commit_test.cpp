#include "storage/wal/group_commit.hpp"

#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "fault_file_system.hpp"
#include "wal_test_util.hpp"

using namespace vigil;
using namespace vigil::wal;
using namespace vigil::wal::test;
using namespace std::chrono_literals;

namespace {

constexpr auto patience = 10s;  // bound on every wait; never reached when things work

// A one-shot flag threads can wait on with a bound.
class event {
 public:
  void set() {
    {
      std::lock_guard lock(mu_);
      set_ = true;
    }
    cv_.notify_all();
  }
  [[nodiscard]] bool wait() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, patience, [&] { return set_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool set_ = false;
};

// Counts up and lets a thread wait for a target.
class counter {
 public:
  void add() {
    {
      std::lock_guard lock(mu_);
      ++n_;
    }
    cv_.notify_all();
  }
  [[nodiscard]] bool wait_for(uint64_t target) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, patience, [&] { return n_ >= target; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t n_ = 0;
};

std::unique_ptr<writer> make_writer(file_system& fs, const std::string& dir, options opts) {
  auto w = writer::create(fs, dir, 1, opts);
  if (!w) FAIL(to_string(w.error_value()));
  return std::move(*w);
}

}  // namespace

TEST_CASE("always mode: append returns after an fsync that survives power loss", "[wal][sync]") {
  temp_dir dir;
  fault_file_system fs(posix_file_system());
  auto w = make_writer(fs, dir.path(), test_options(sync_mode::always, min_segment_size));
  std::vector<std::string> written;
  for (uint32_t i = 0; i < 40; ++i) {
    written.push_back(payload_of(i, 400));
    auto pos = w->append({2, written.back()});
    REQUIRE(pos);
    CHECK(w->durable_position() >= *pos);
  }
  // One thread, no overlap: one fsync per append (rolls add their own).
  CHECK(fs.file_syncs() >= 40);
  fs.drop_unsynced();
  w.reset();
  auto r = replay_all(dir.path());
  CHECK(r.report.issues.empty());
  CHECK(r.payloads() == written);
}

TEST_CASE("group commit: appenders arriving during an fsync share the next one", "[wal][sync]") {
  temp_dir dir;
  fault_file_system fs(posix_file_system());
  auto w = make_writer(fs, dir.path(), test_options(sync_mode::always));
  event sync_entered, release;
  std::atomic<int> sync_calls{0};
  fs.on_sync([&] {
    if (sync_calls++ == 0) {
      sync_entered.set();
      CHECK(release.wait());
    }
  });
  counter appended;
  fs.on_append([&] { appended.add(); });

  constexpr int followers = 7;
  std::vector<uint64_t> positions(followers + 1);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { positions[0] = w->append({1, "leader"}).value(); });
  REQUIRE(sync_entered.wait());
  for (int i = 1; i <= followers; ++i)
    threads.emplace_back([&, i] {
      positions[size_t(i)] = w->append({1, payload_of(i, 50)}).value();
    });
  // Every follower has written (and waits) while the first fsync is held.
  REQUIRE(appended.wait_for(followers + 1));
  release.set();
  for (auto& t : threads) t.join();
  // The held fsync covered the leader; one more covered all seven others.
  CHECK(fs.file_syncs() == 2);
  for (uint64_t p : positions) CHECK(p <= w->durable_position());
}

TEST_CASE("group commit issues fewer fsyncs than appends under concurrency", "[wal][sync]") {
  temp_dir dir;
  fault_file_system fs(posix_file_system());
  // A device-like fsync latency, so that appends overlap syncs as they do
  // on real disks (a no-op fsync on a fast machine would hide grouping).
  fs.on_sync([] { std::this_thread::sleep_for(1ms); });
  auto w = make_writer(fs, dir.path(), test_options(sync_mode::always));
  std::vector<uint64_t> seen;
  std::mutex seen_mu;
  w->on_durable([&](uint64_t p) {
    std::lock_guard lock(seen_mu);
    seen.push_back(p);
  });
  constexpr int threads = 8, per_thread = 50;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto pos = w->append({2, payload_of(uint32_t(t * 1000 + i), 64)});
        REQUIRE(pos);
        REQUIRE(w->durable_position() >= *pos);
      }
    });
  for (auto& t : pool) t.join();
  INFO("fsyncs: " << fs.file_syncs());
  CHECK(fs.file_syncs() < uint64_t(threads * per_thread));
  REQUIRE_FALSE(w->close());
  // Callbacks never overlapped, only advanced, and reached the end.
  REQUIRE_FALSE(seen.empty());
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
  CHECK(seen.back() == w->written_position());
  CHECK(replay_all(dir.path()).records.size() == size_t(threads * per_thread));
}

TEST_CASE("batch mode: append returns at once and the syncer publishes durability", "[wal][sync]") {
  temp_dir dir;
  fault_file_system fs(posix_file_system());
  event sync_entered, release;
  std::atomic<int> sync_calls{0};
  fs.on_sync([&] {
    if (sync_calls++ == 0) {
      sync_entered.set();
      CHECK(release.wait());
    }
  });
  auto w = make_writer(fs, dir.path(), test_options(sync_mode::batch));
  std::mutex mu;
  std::condition_variable cv;
  uint64_t notified = 0;
  std::thread::id callback_thread;
  w->on_durable([&](uint64_t p) {
    std::lock_guard lock(mu);
    notified = p;
    callback_thread = std::this_thread::get_id();
    cv.notify_all();
  });
  auto pos = w->append({2, "batched"});
  REQUIRE(pos);
  // The syncer started an fsync on its own while append already returned.
  REQUIRE(sync_entered.wait());
  CHECK(w->durable_position() < *pos);
  release.set();
  REQUIRE_FALSE(w->wait_durable(*pos));
  CHECK(w->durable_position() >= *pos);
  std::unique_lock lock(mu);
  REQUIRE(cv.wait_for(lock, patience, [&] { return notified >= *pos; }));
  CHECK(callback_thread != std::this_thread::get_id());  // the syncer thread
}

TEST_CASE("batch mode fsyncs at most once per interval", "[wal][sync]") {
  temp_dir dir;
  fault_file_system fs(posix_file_system());
  // Segments large enough not to roll: a roll fsyncs on its own.
  auto opts = test_options(sync_mode::batch, default_segment_size);
  opts.batch_interval = 20ms;
  auto w = make_writer(fs, dir.path(), opts);
  const auto start = std::chrono::steady_clock::now();
  uint64_t last = 0;
  while (std::chrono::steady_clock::now() - start < 200ms) last = w->append({2, "tick"}).value();
  REQUIRE_FALSE(w->wait_durable(last));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  INFO("fsyncs: " << fs.file_syncs());
  CHECK(fs.file_syncs() >= 1);
  CHECK(fs.file_syncs() <= uint64_t(elapsed / opts.batch_interval) + 1);
}

TEST_CASE("batch mode: acknowledged data survives power loss across segments", "[wal][sync]") {
  temp_dir dir;
  fault_file_system fs(posix_file_system());
  auto w = make_writer(fs, dir.path(), test_options(sync_mode::batch, min_segment_size));
  std::vector<std::string> written;
  uint64_t last = 0;
  for (uint32_t i = 0; i < 100; ++i) {
    written.push_back(payload_of(i, 300));
    last = w->append({2, written.back()}).value();
  }
  REQUIRE_FALSE(w->wait_durable(last));
  REQUIRE(w->segment() > 3);
  fs.drop_unsynced();  // would delete a segment whose directory entry was never synced
  w.reset();
  auto r = replay_all(dir.path());
  CHECK(r.report.issues.empty());
  CHECK(r.payloads() == written);
}

TEST_CASE("never mode never fsyncs and durable equals written", "[wal][sync]") {
  temp_dir dir;
  fault_file_system fs(posix_file_system());
  auto w = make_writer(fs, dir.path(), test_options(sync_mode::never, min_segment_size));
  std::vector<uint64_t> seen;
  w->on_durable([&](uint64_t p) { seen.push_back(p); });
  for (uint32_t i = 0; i < 100; ++i) {
    auto pos = w->append({2, payload_of(i, 200)});
    REQUIRE(pos);
    CHECK(w->durable_position() == *pos);
    CHECK(seen.back() == *pos);  // called on this thread before append returned
  }
  REQUIRE_FALSE(w->close());
  CHECK(fs.file_syncs() == 0);
  CHECK(fs.dir_syncs() == 0);
}

TEST_CASE("a failed write is sticky and replay repairs the torn batch", "[wal][sync]") {
  temp_dir dir;
  fault_file_system fs(posix_file_system());
  auto w = make_writer(fs, dir.path(), test_options(sync_mode::always));
  const std::string a = payload_of(1, 100), b = payload_of(2, 100);
  REQUIRE(w->append({2, a}));
  fs.fail_writes_after(record_header_size + 100 + 50);
  REQUIRE(w->append({2, b}));
  auto failed = w->append({2, payload_of(3, 100)});
  REQUIRE_FALSE(failed);
  CHECK(failed.error_value().code == errc::io_error);
  CHECK_THAT(failed.error_value().message, Catch::Contains(segment_path(dir.path(), 1)));
  fs.fail_writes_after(1u << 30);  // the disk has room again, but the log stays failed
  CHECK(w->append({2, "d"}).error_value() == failed.error_value());
  CHECK(w->close() == failed.error_value());
  auto r = replay_all(dir.path());
  CHECK(r.payloads() == std::vector<std::string>{a, b});
  REQUIRE(r.report.issues.size() == 1);
  CHECK(r.report.issues[0].kind == problem_kind::torn);
  CHECK(r.report.issues[0].offset == 2 * (record_header_size + 100));
}

TEST_CASE("a failed fsync is sticky and stops durability callbacks", "[wal][sync]") {
  temp_dir dir;
  fault_file_system fs(posix_file_system());
  fs.fail_syncs_after(1);
  SECTION("always") {
    auto w = make_writer(fs, dir.path(), test_options(sync_mode::always));
    REQUIRE(w->append({2, "one"}));
    auto second = w->append({2, "two"});
    REQUIRE_FALSE(second);
    CHECK_THAT(second.error_value().message, Catch::Contains("injected"));
    CHECK_FALSE(w->append({2, "three"}));
  }
  SECTION("batch") {
    auto w = make_writer(fs, dir.path(), test_options(sync_mode::batch));
    int callbacks = 0;
    w->on_durable([&](uint64_t) { ++callbacks; });
    REQUIRE_FALSE(w->wait_durable(w->append({2, "one"}).value()));
    auto second = w->append({2, "two"});
    REQUIRE(second);  // written; the fsync fails later, on the syncer
    auto err = w->wait_durable(*second);
    REQUIRE(err);
    CHECK(err->code == errc::io_error);
    CHECK(callbacks == 1);
    CHECK_FALSE(w->append({2, "three"}));
  }
}
