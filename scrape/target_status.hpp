#pragma once

// The health of every scrape target of this node, as the targets API and
// `vigilctl targets` show it: scrapers record each scrape's outcome,
// discovery records the targets relabelling dropped. Thread-safe: scrapers
// write from CAF's threads, HTTP handlers read from the loop thread.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "scrape/metadata.hpp"
#include "scrape/target.hpp"
#include "storage/base/sample.hpp"

namespace vigil::scrape {

enum class health { unknown, up, down };

/// "unknown", "up" or "down", as Prometheus spells them.
[[nodiscard]] std::string_view to_string(health h) noexcept;

struct target_status {
  std::string job;
  scrape::target target;
  health state = health::unknown;
  timestamp last_scrape = 0;  ///< ms; 0 before the first scrape
  duration last_duration{0};
  std::string last_error;
  std::shared_ptr<const metadata_map> metadata;  ///< as of the last scrape that parsed
};

class target_board {
 public:
  /// Records a target's status under `key` (its scraper's name).
  void set(const std::string& key, target_status status);
  /// Forgets a target that is no longer scraped.
  void erase(const std::string& key);
  /// The targets of `job` that relabelling dropped.
  void set_dropped(const std::string& job, std::vector<dropped_target> dropped);

  [[nodiscard]] std::vector<target_status> active() const;
  /// Dropped targets with their job.
  [[nodiscard]] std::vector<std::pair<std::string, dropped_target>> dropped() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, target_status> active_;
  std::map<std::string, std::vector<dropped_target>> dropped_;
};

}  // namespace vigil::scrape
