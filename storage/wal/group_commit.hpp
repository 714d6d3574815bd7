#pragma once

// Group commit: tracks how far a log is durable and shares fsyncs between
// writers. Whoever needs durability and finds no sync running becomes the
// leader: it runs the sync function (which fsyncs everything written so far
// and returns that position), publishes the new durable position, wakes
// every waiter it covers, then runs the durability callbacks. Writers that
// arrive while a sync runs wait for it and, if it did not cover them, one
// of them leads the next; so N concurrent writers cost far fewer than N
// fsyncs. In batch mode a syncer thread is the only leader during normal
// operation and syncs at most once per interval.
//
// Threading: every member may be called from any thread. Exactly one
// leader runs at a time, so sync calls and callbacks never overlap and
// callbacks see strictly increasing positions. A failure (of a sync, or one
// reported by the log through `fail`) is sticky: every later call returns
// it and no more callbacks run.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "storage/base/expected.hpp"

namespace vigil::wal {

class group_commit {
 public:
  /// Makes everything written so far durable and returns its position.
  using sync_function = std::function<expected<uint64_t>()>;
  using callback = std::function<void(uint64_t durable_position)>;

  /// `sync` runs on leader threads, one at a time; `durable` is the
  /// position already durable (where the log resumes).
  group_commit(sync_function sync, uint64_t durable);
  /// Stops the syncer thread if one runs.
  ~group_commit();
  group_commit(const group_commit&) = delete;
  group_commit& operator=(const group_commit&) = delete;

  /// Starts the syncer thread: whenever data is written beyond the durable
  /// position it syncs, but never sooner than `interval` after its last
  /// sync.
  void start_syncer(std::chrono::milliseconds interval);

  /// Stops and joins the syncer thread (without a final sync); idempotent.
  void stop_syncer();

  /// Tells the syncer that the log now extends to `position`.
  void written(uint64_t position);

  /// Returns once `position` is durable, leading syncs as needed. Errors:
  /// the sticky failure.
  [[nodiscard]] std::optional<error> sync_through(uint64_t position);

  /// Returns once `position` is durable without syncing itself (someone
  /// else must: the syncer thread). Errors: the sticky failure.
  [[nodiscard]] std::optional<error> wait(uint64_t position);

  /// Registers `fn` to run after each advance of the durable position, on
  /// the leader's thread. It must be quick and must not call back into the
  /// log.
  void on_durable(callback fn);

  /// Marks the log failed with `err` (the first failure wins) and wakes
  /// every waiter.
  void fail(error err);

  /// The sticky failure, if any.
  [[nodiscard]] std::optional<error> failure() const;

  /// The highest durable position published so far.
  [[nodiscard]] uint64_t durable() const { return durable_.load(std::memory_order_acquire); }

 private:
  void lead(std::unique_lock<std::mutex>& lock);
  void syncer_loop(std::chrono::milliseconds interval);

  sync_function sync_;
  mutable std::mutex mu_;
  std::condition_variable changed_;        // durable_, failed_ or syncing_ changed
  std::condition_variable syncer_wakeup_;  // written_ or stopping_ changed
  std::atomic<uint64_t> durable_{0};
  uint64_t written_ = 0;
  bool syncing_ = false;
  bool stopping_ = false;
  std::atomic<bool> has_failed_{false};
  std::optional<error> failed_;
  std::mutex callbacks_mu_;
  std::vector<callback> callbacks_;
  std::thread syncer_;
};

}  // namespace vigil::wal
