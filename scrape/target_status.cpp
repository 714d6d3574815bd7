#include "scrape/target_status.hpp"

namespace vigil::scrape {

std::string_view to_string(health h) noexcept {
  switch (h) {
    case health::up:
      return "up";
    case health::down:
      return "down";
    case health::unknown:
      break;
  }
  return "unknown";
}

void target_board::set(const std::string& key, target_status status) {
  std::lock_guard lock{mutex_};
  active_[key] = std::move(status);
}

void target_board::erase(const std::string& key) {
  std::lock_guard lock{mutex_};
  active_.erase(key);
}

void target_board::set_dropped(const std::string& job, std::vector<dropped_target> dropped) {
  std::lock_guard lock{mutex_};
  if (dropped.empty())
    dropped_.erase(job);
  else
    dropped_[job] = std::move(dropped);
}

std::vector<target_status> target_board::active() const {
  std::lock_guard lock{mutex_};
  std::vector<target_status> out;
  out.reserve(active_.size());
  for (const auto& [key, status] : active_) out.push_back(status);
  return out;
}

std::vector<std::pair<std::string, dropped_target>> target_board::dropped() const {
  std::lock_guard lock{mutex_};
  std::vector<std::pair<std::string, dropped_target>> out;
  for (const auto& [job, targets] : dropped_)
    for (const auto& t : targets) out.emplace_back(job, t);
  return out;
}

}  // namespace vigil::scrape
