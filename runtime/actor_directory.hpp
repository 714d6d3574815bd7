#pragma once

// Every live supervised actor of this node by path ("node/storage"), with its
// kind and restart count: what fault injection and `vigilctl actors` look
// up. Supervisors keep it current as they start and lose children.
// Thread-safe: supervisors write from CAF's threads, HTTP handlers read from
// the loop thread.

#include <caf/actor.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace vigil::runtime {

class actor_directory {
 public:
  struct entry {
    std::string path;
    std::string kind;
    caf::actor handle;  ///< null while the actor is down (waiting for restart)
    uint64_t restarts = 0;
  };

  /// Records that `path` now runs as `handle`.
  void started(const std::string& path, const std::string& kind, caf::actor handle);
  /// Records that the actor at `path` went down; `restarting` counts a restart.
  void stopped(const std::string& path, bool restarting);
  /// Forgets `path` and everything below it.
  void erase(const std::string& path);

  [[nodiscard]] std::optional<caf::actor> find(const std::string& path) const;
  [[nodiscard]] std::vector<entry> list() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, entry> entries_;
};

}  // namespace vigil::runtime
