#pragma once

// Graceful shutdown shared by the loop's servers (HTTP, msgpack push):
// the callbacks waiting for a drain with the deadline that cuts it short,
// and the calls that start a drain from any thread.

#include <uv.h>

#include <chrono>
#include <functional>
#include <vector>

#include "runtime/http/event_loop.hpp"

namespace vigil::http {

/// Loop thread only.
class drain_tracker {
 public:
  drain_tracker() = default;
  drain_tracker(const drain_tracker&) = delete;
  drain_tracker& operator=(const drain_tracker&) = delete;

  /// Adds a callback for the end of the drain (an empty one is ignored).
  void wait(std::function<void()> done);

  /// Starts the deadline, unless an earlier drain's deadline runs: after
  /// `deadline`, `expire` (which closes what is left).
  void arm(uv_loop_t* loop, std::chrono::milliseconds deadline, std::function<void()> expire);

  /// The drain is over: stops the deadline and runs the waiters once.
  void finish();

  /// Stops the deadline without running anything.
  void cancel();

 private:
  struct deadline;

  std::vector<std::function<void()>> waiters_;
  deadline* timer_ = nullptr;
};

/// Runs `start(done)` on `loop`'s thread, or inline there; `done` runs
/// exactly once: when `start` calls it, or at once (on the caller's
/// thread) when the loop is stopped and refuses the call.
void dispatch_drain(event_loop& loop, std::function<void(std::function<void()>)> start,
                    std::function<void()> done);

/// The same for plain threads (main): returns once `done` would run. On
/// the loop thread it cannot wait: it starts the drain and returns.
void await_drain(event_loop& loop, std::function<void(std::function<void()>)> start);

}  // namespace vigil::http
