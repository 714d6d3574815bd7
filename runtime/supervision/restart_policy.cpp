#include "runtime/supervision/restart_policy.hpp"

#include <algorithm>
#include <cmath>

namespace vigil::supervision {

restart_decision restart_tracker::on_failure(clock::time_point now) {
  while (!restarts_.empty() && now - restarts_.front() >= policy_.window) restarts_.pop_front();
  if (restarts_.size() >= policy_.max_restarts) return {.escalate = true};
  restarts_.push_back(now);
  const double factor =
      std::pow(policy_.backoff_multiplier, static_cast<double>(restarts_.size() - 1));
  const double delay_ms = std::min(static_cast<double>(policy_.initial_backoff.count()) * factor,
                                   static_cast<double>(policy_.max_backoff.count()));
  return {.escalate = false, .delay = duration{static_cast<int64_t>(delay_ms)}};
}

}  // namespace vigil::supervision
