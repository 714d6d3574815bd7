#include "runtime/actor_directory.hpp"

namespace vigil::runtime {

void actor_directory::started(const std::string& path, const std::string& kind, caf::actor handle) {
  std::lock_guard lock{mutex_};
  auto& e = entries_[path];
  e.path = path;
  e.kind = kind;
  e.handle = std::move(handle);
}

void actor_directory::stopped(const std::string& path, bool restarting) {
  std::lock_guard lock{mutex_};
  auto it = entries_.find(path);
  if (it == entries_.end()) return;
  it->second.handle = nullptr;
  if (restarting) ++it->second.restarts;
}

void actor_directory::erase(const std::string& path) {
  std::lock_guard lock{mutex_};
  entries_.erase(path);
  // Descendants are exactly the keys in ["path/", "path0"): '0' follows '/'.
  entries_.erase(entries_.lower_bound(path + '/'), entries_.lower_bound(path + '0'));
}

std::optional<caf::actor> actor_directory::find(const std::string& path) const {
  std::lock_guard lock{mutex_};
  auto it = entries_.find(path);
  if (it == entries_.end() || !it->second.handle) return std::nullopt;
  return it->second.handle;
}

std::vector<actor_directory::entry> actor_directory::list() const {
  std::lock_guard lock{mutex_};
  std::vector<entry> out;
  for (const auto& [path, e] : entries_) out.push_back(e);
  return out;
}

}  // namespace vigil::runtime
