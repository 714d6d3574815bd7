#pragma once

// The libuv loop thread that owns every non-CAF socket of the process.
//
// Design: one `uv_loop_t` runs on one std::thread. Code on other threads
// (CAF scheduler threads, main) reaches it only through `post`, which
// appends to a mutex-protected queue and wakes the loop with `uv_async_send`.
// Async sends coalesce, so the loop drains the whole queue per wake-up.
// Neither side ever waits on the other, except `run_in_loop`, which is for
// setup and teardown from plain threads (main, tests) and never for actors.
//
// Shutdown: `stop()` stops accepting posts, runs the functions already
// queued, calls the registered closers (components close their own handles
// with their own close callbacks), closes whatever handle is left, lets
// libuv run the close callbacks, joins the thread and closes the loop.

#include <uv.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "storage/base/error.hpp"

namespace vigil::http {

namespace detail {
struct post_queue;
}

/// A copyable handle that queues functions for an event_loop's thread.
///
/// It stays safe to use after the loop stopped or was destroyed: posts are
/// then refused. Thread-safe.
class loop_executor {
 public:
  /// An empty executor; every post is refused.
  loop_executor() = default;

  /// Queues `fn` to run on the loop thread, after everything posted before
  /// it by the same thread. Returns false if the loop is stopping or stopped
  /// (or this executor is empty); `fn` is then destroyed on the calling
  /// thread without running.
  bool post(std::function<void()> fn) const;

 private:
  friend class event_loop;
  explicit loop_executor(std::shared_ptr<detail::post_queue> queue) : queue_(std::move(queue)) {}

  std::shared_ptr<detail::post_queue> queue_;
};

/// Owns a libuv loop and the thread that runs it.
///
/// Lifecycle: created -> running (start) -> stopped (stop). Components that
/// open handles on the loop must be destroyed or closed before the
/// event_loop is destroyed, and must register a closer (add_closer) so that
/// stop() can close their handles with their own callbacks.
class event_loop {
 public:
  /// Identifies a closer registered with add_closer.
  using closer_id = std::uint64_t;

  /// Initialises the loop; an initialisation failure is reported by start().
  event_loop();
  /// Calls stop(). Must not run on the loop thread.
  ~event_loop();
  event_loop(const event_loop&) = delete;
  event_loop& operator=(const event_loop&) = delete;

  /// Starts the loop thread. Also sets SIGPIPE to ignored if it still has
  /// the default disposition, because writes to a closed peer would
  /// otherwise kill the process. Returns an error if libuv could not be
  /// initialised or if start() was already called. Call from one thread,
  /// not concurrently with stop().
  [[nodiscard]] std::optional<error> start();

  /// Stops the loop: refuses further posts, runs the functions already
  /// queued, calls the closers, closes every remaining handle, then joins
  /// the thread. Idempotent and safe from any thread; concurrent callers
  /// all return once the loop is stopped. Called on the loop thread it only
  /// initiates the stop and returns (it cannot join itself); a later stop()
  /// or the destructor on another thread joins. Called before start() it
  /// performs the same sequence on the calling thread.
  void stop();

  /// See loop_executor::post. Thread-safe. Functions posted before start()
  /// run once the loop starts.
  bool post(std::function<void()> fn) const { return executor().post(std::move(fn)); }

  /// A handle for posting that may outlive this object. Thread-safe.
  [[nodiscard]] loop_executor executor() const { return loop_executor(queue_); }

  /// Runs `fn` on the loop thread and waits until it returned. Runs inline
  /// when called on the loop thread, or before start() (the calling thread
  /// then owns the loop; it must not race with start()). Returns false
  /// without running `fn` if the loop is stopping or stopped. Blocks the
  /// caller: for setup and teardown from plain threads, never from an actor
  /// or from anything the loop thread might wait for.
  bool run_in_loop(const std::function<void()>& fn);

  /// Runs `fn` inline when called on the loop thread or before start()
  /// (same caveat as run_in_loop), otherwise posts it without waiting.
  /// Returns false if the loop is stopping or stopped (`fn` not run).
  bool dispatch(std::function<void()> fn);

  /// True on the thread running the loop. Thread-safe.
  [[nodiscard]] bool in_loop_thread() const;

  /// The libuv loop, for code running on the loop thread (or before start()).
  [[nodiscard]] uv_loop_t* native() { return &loop_; }

  /// Calls `fn` on the loop thread whenever signal `signum` arrives.
  /// Must be called before start() or on the loop thread; from anywhere else
  /// it returns an invalid_argument error. Also errors if libuv refuses the
  /// signal number.
  [[nodiscard]] std::optional<error> on_signal(int signum, std::function<void()> fn);

  /// Registers `close_fn`, run on the loop thread when stop() begins, which
  /// must uv_close the caller's handles. Before start() or on the loop
  /// thread only.
  closer_id add_closer(std::function<void()> close_fn);

  /// Forgets a closer (e.g. because its owner closed its handles itself).
  /// Before start() or on the loop thread only; unknown ids are ignored.
  void remove_closer(closer_id id);

 private:
  enum class state { created, running, stopped };
  struct signal_entry;

  static void on_async(uv_async_t* handle);
  void drain_queue();
  void request_stop();
  void run_stop_sequence();
  [[nodiscard]] bool owns_loop() const;

  uv_loop_t loop_{};
  uv_async_t async_{};
  int init_status_ = 0;
  std::shared_ptr<detail::post_queue> queue_;
  std::thread thread_;
  std::atomic<std::thread::id> loop_thread_{};
  std::mutex lifecycle_mutex_;  // serialises start() and stop()
  std::atomic<state> state_{state::created};
  bool stop_sequence_done_ = false;  // loop thread only
  std::vector<std::unique_ptr<signal_entry>> signals_;
  std::map<closer_id, std::function<void()>> closers_;
  closer_id next_closer_ = 1;
};

}  // namespace vigil::http
