#pragma once

// How a supervisor reacts to failing children, as plain data plus the
// bookkeeping that applies it. No actors here: the supervisor actor feeds
// failures in with the time they happened and acts on the decision, so the
// policy is tested without an actor system or a clock.

#include <chrono>
#include <cstdint>
#include <deque>

#include "storage/base/duration.hpp"

namespace vigil::supervision {

using clock = std::chrono::steady_clock;

enum class restart_strategy {
  one_for_one,  ///< restart only the child that failed
  one_for_all,  ///< stop every child and restart them all in order
};

/// Restart intensity and backoff. A supervisor tolerates at most
/// `max_restarts` restarts within any `window`; the failure after that
/// escalates (the supervisor fails itself, and its parent decides). The
/// n-th restart within the window waits initial_backoff * multiplier^(n-1),
/// capped at max_backoff.
struct restart_policy {
  restart_strategy strategy = restart_strategy::one_for_one;
  uint32_t max_restarts = 5;
  duration window = std::chrono::seconds{30};
  duration initial_backoff = std::chrono::milliseconds{100};
  duration max_backoff = std::chrono::seconds{10};
  double backoff_multiplier = 2.0;
};

/// What to do about one failure.
struct restart_decision {
  bool escalate = false;
  duration delay{0};  ///< wait this long before restarting (when not escalating)
};

/// Applies a restart_policy to a sequence of failures of one child (or of a
/// one_for_all group).
class restart_tracker {
 public:
  explicit restart_tracker(restart_policy policy) : policy_(policy) {}

  /// Records a failure at `now` and decides.
  [[nodiscard]] restart_decision on_failure(clock::time_point now);

  /// Restarts counted in the current window.
  [[nodiscard]] size_t recent_restarts() const { return restarts_.size(); }

  [[nodiscard]] const restart_policy& policy() const { return policy_; }

 private:
  restart_policy policy_;
  std::deque<clock::time_point> restarts_;  // times of restarts within the window
};

}  // namespace vigil::supervision
