#pragma once

// Scrape discovery: turns the scrape jobs of the live configuration and
// what their file_sd_configs files say into the set of scrapers the
// targets supervisor runs (node/scrape/targets), one per target.
//
// Files are checked every second (size, modification time, inode: an
// editor's rename counts) and re-read at each job's refresh_interval
// regardless; a file that does not parse keeps the groups it had, and the
// error is logged with its position. On a reload (reload_atom) the jobs
// are taken anew from the live configuration. Only a change in the target
// set is sent to the supervisor, which keeps unchanged scrapers running.
//
// The scrape supervisor restarts discovery and the targets supervisor
// together (one_for_all), so a fresh targets supervisor always hears the
// full set.

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "actors/scraper.hpp"
#include "runtime/supervisor.hpp"

namespace vigil::runtime {

/// The scrape jobs in force (replaced on reload). Thread-safe.
class scrape_jobs {
 public:
  using jobs = std::vector<std::shared_ptr<const scrape::job>>;
  explicit scrape_jobs(const std::vector<scrape::job>& initial) { set(initial); }
  void set(const std::vector<scrape::job>& configured);
  [[nodiscard]] jobs get() const;

 private:
  mutable std::mutex mutex_;
  jobs jobs_;
};

/// The scrape supervisor's children: the targets supervisor and discovery.
[[nodiscard]] supervisor_spec scrape_tree(const supervision_env& env, const scrape_jobs& jobs,
                                          actors::scraper_env scrapers);

}  // namespace vigil::runtime
