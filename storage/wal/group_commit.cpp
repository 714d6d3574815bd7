#include "storage/wal/group_commit.hpp"

namespace vigil::wal {

group_commit::group_commit(sync_function sync, uint64_t durable)
    : sync_(std::move(sync)), durable_(durable), written_(durable) {}

group_commit::~group_commit() {
  stop_syncer();
}

void group_commit::start_syncer(std::chrono::milliseconds interval) {
  std::lock_guard lock(mu_);
  if (syncer_.joinable()) return;
  stopping_ = false;
  syncer_ = std::thread([this, interval] { syncer_loop(interval); });
}

void group_commit::stop_syncer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  syncer_wakeup_.notify_all();
  if (syncer_.joinable() && syncer_.get_id() != std::this_thread::get_id()) syncer_.join();
}

void group_commit::written(uint64_t position) {
  {
    std::lock_guard lock(mu_);
    if (position <= written_) return;
    written_ = position;
  }
  syncer_wakeup_.notify_one();
}

std::optional<error> group_commit::sync_through(uint64_t position) {
  std::unique_lock lock(mu_);
  while (true) {
    if (failed_) return failed_;
    if (durable_.load(std::memory_order_relaxed) >= position) return std::nullopt;
    if (!syncing_)
      lead(lock);
    else
      changed_.wait(lock);
  }
}

std::optional<error> group_commit::wait(uint64_t position) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] {
    return failed_.has_value() || durable_.load(std::memory_order_relaxed) >= position;
  });
  return failed_;
}

// Called with `lock` held and no sync running; returns with it held.
void group_commit::lead(std::unique_lock<std::mutex>& lock) {
  syncing_ = true;
  lock.unlock();
  auto synced = sync_();
  lock.lock();
  uint64_t before = durable_.load(std::memory_order_relaxed);
  if (!synced) {
    if (!failed_) failed_ = std::move(synced).error_value();
    has_failed_.store(true, std::memory_order_release);
  } else if (*synced > before && !failed_) {
    durable_.store(*synced, std::memory_order_release);
  }
  uint64_t after = durable_.load(std::memory_order_relaxed);
  // Waiters go first; callbacks run while this thread still leads, which
  // keeps them serialised and in order without holding `mu_`.
  changed_.notify_all();
  if (after > before) {
    lock.unlock();
    {
      std::lock_guard callbacks_lock(callbacks_mu_);
      for (auto& fn : callbacks_) fn(after);
    }
    lock.lock();
  }
  syncing_ = false;
  changed_.notify_all();
}

void group_commit::syncer_loop(std::chrono::milliseconds interval) {
  std::unique_lock lock(mu_);
  auto last_sync = std::chrono::steady_clock::now() - interval;
  while (true) {
    syncer_wakeup_.wait(lock, [&] {
      return stopping_ || failed_ || written_ > durable_.load(std::memory_order_relaxed);
    });
    if (stopping_ || failed_) return;
    // The batch bound: wait out the rest of the interval, letting more
    // appends join this sync. A timed wait, so stopping interrupts it.
    if (syncer_wakeup_.wait_until(lock, last_sync + interval, [&] { return stopping_; })) return;
    if (syncing_) {
      // Someone else (close, a caller in another mode) leads; let it finish.
      changed_.wait(lock, [&] { return !syncing_; });
      continue;
    }
    last_sync = std::chrono::steady_clock::now();
    lead(lock);
  }
}

void group_commit::on_durable(callback fn) {
  std::lock_guard lock(callbacks_mu_);
  callbacks_.push_back(std::move(fn));
}

void group_commit::fail(error err) {
  {
    std::lock_guard lock(mu_);
    if (!failed_) failed_ = std::move(err);
    has_failed_.store(true, std::memory_order_release);
  }
  changed_.notify_all();
  syncer_wakeup_.notify_all();
}

std::optional<error> group_commit::failure() const {
  if (!has_failed_.load(std::memory_order_acquire)) return std::nullopt;
  std::lock_guard lock(mu_);
  return failed_;
}

}  // namespace vigil::wal
