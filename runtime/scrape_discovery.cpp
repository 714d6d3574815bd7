#include "runtime/scrape_discovery.hpp"

#include <glob.h>
#include <sys/stat.h>

#include <caf/all.hpp>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "actors/instrument.hpp"
#include "config/file_sd.hpp"
#include "storage/base/log.hpp"

namespace vigil::runtime {
namespace {

using namespace std::chrono_literals;
using actors::watch_atom;
constexpr auto watch_period = 1s;

// Identifies a file's content without reading it.
struct file_stamp {
  int64_t mtime_ns = -1;
  int64_t size = -1;
  uint64_t inode = 0;
  friend bool operator==(const file_stamp&, const file_stamp&) = default;
};

std::optional<file_stamp> stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return file_stamp{int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                    int64_t(st.st_size), uint64_t(st.st_ino)};
}

std::vector<std::string> expand(const std::string& pattern) {
  glob_t g{};
  std::vector<std::string> out;
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  ::globfree(&g);
  return out;
}

struct watched_file {
  file_stamp stamp;
  std::chrono::steady_clock::time_point read_at;
  std::vector<scrape::target_group> groups;  // the last version that parsed
};

// Everything about a job its scrapers depend on besides the target: a
// change restarts them, anything else leaves them running.
std::string scrape_settings(const scrape::job& j) {
  std::ostringstream out;
  out << j.honor_labels << j.honor_timestamps << ' ' << j.sample_limit << ' ' << j.label_limit
      << ' ' << j.label_name_length_limit << ' ' << j.label_value_length_limit << ' '
      << j.body_size_limit;
  for (const auto& r : j.metric_relabel_configs) {
    out << '\n'
        << to_string(r.action) << ' ' << r.regex.pattern() << ' ' << r.separator << ' '
        << r.target_label << ' ' << r.replacement << ' ' << r.modulus;
    for (const auto& s : r.source_labels) out << ' ' << s;
  }
  if (j.basic)
    out << "\nbasic " << j.basic->username << ' ' << j.basic->password << ' '
        << j.basic->password_file;
  if (j.bearer) out << "\nbearer " << j.bearer->credentials << ' ' << j.bearer->credentials_file;
  return std::move(out).str();
}

struct discovery_state {
  const scrape_jobs* source = nullptr;
  scrape_jobs::jobs jobs;
  actors::scraper_env scrapers;
  supervision_env env;
  std::string targets_path;
  std::map<std::string, watched_file> files;
  std::string last_sent;  // the children last sent, as names and fingerprints
  static inline const char* name = "discovery";
};

using discovery_actor = caf::stateful_actor<discovery_state>;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

// Re-reads the files that changed or are due; true if any group changed.
bool refresh_files(discovery_state& st) {
  const auto now = std::chrono::steady_clock::now();
  bool changed = false;
  std::set<std::string> matched;
  for (const auto& job : st.jobs) {
    for (const auto& sd : job->file_sd_configs) {
      for (const auto& pattern : sd.files) {
        for (auto& path : expand(pattern)) {
          if (!matched.insert(path).second) continue;
          auto stamp = stamp_of(path);
          if (!stamp) continue;
          auto [it, fresh] = st.files.try_emplace(path);
          auto& f = it->second;
          if (!fresh && f.stamp == *stamp && now - f.read_at < sd.refresh_interval) continue;
          const bool modified = fresh || !(f.stamp == *stamp);
          f.stamp = *stamp;
          f.read_at = now;
          auto text = read_file(path);
          if (!text) continue;
          auto groups = config::parse_target_groups(*text, path);
          if (!groups) {
            if (modified)
              log::error("discovery", "file_sd file not applied, keeping its previous targets",
                         {{"file", path}, {"error", groups.error_value().message}});
            continue;
          }
          changed = true;
          f.groups = std::move(*groups);
        }
      }
    }
  }
  changed |= std::erase_if(st.files, [&](const auto& f) { return !matched.contains(f.first); }) > 0;
  return changed;
}

std::vector<scrape::target_group> groups_of(const discovery_state& st, const scrape::job& job) {
  std::vector<scrape::target_group> groups = job.static_configs;
  std::set<std::string> seen;
  for (const auto& sd : job.file_sd_configs)
    for (const auto& pattern : sd.files)
      for (const auto& path : expand(pattern))
        if (auto it = st.files.find(path); it != st.files.end() && seen.insert(path).second)
          groups.insert(groups.end(), it->second.groups.begin(), it->second.groups.end());
  return groups;
}

child_spec scraper_child(actors::scraper_config cfg, const actors::scraper_env& scrapers,
                         const std::string& settings) {
  child_spec c;
  c.name = cfg.key;
  c.kind = "scraper";
  const auto& t = cfg.target;
  c.fingerprint = t.url + '\n' + t.target_labels.to_string() + '\n' + format_duration(t.interval) +
                  ' ' + format_duration(t.timeout) + '\n' + settings;
  c.start = [cfg = std::move(cfg), scrapers](caf::event_based_actor* parent, const std::string&,
                                             std::function<void()>) {
    return caf::actor_cast<caf::actor>(actors::spawn_scraper(parent, cfg, scrapers));
  };
  c.retire = [](caf::event_based_actor* parent, const caf::actor& child) {
    parent->send(caf::actor_cast<actors::scraper_actor>(child), actors::retire_atom::value);
  };
  return c;
}

// Builds every job's targets and sends the scrapers to run, if they changed.
void publish(discovery_actor* self) {
  auto& st = self->state;
  std::vector<child_spec> children;
  std::set<std::string> names;
  std::string summary;
  std::vector<std::pair<std::string, std::string>> errors;  // job, error
  for (const auto& job : st.jobs) {
    auto groups = groups_of(st, *job);
    auto targets = scrape::build_targets(*job, groups);
    const auto settings = scrape_settings(*job);
    for (auto& t : targets.active) {
      // Named by job and instance; a second target with the same pair
      // (other labels differ) gets a number.
      std::string key = job->name + "@" + std::string{t.target_labels.get("instance")};
      for (int n = 2; names.contains(key); ++n)
        key = job->name + "@" + std::string{t.target_labels.get("instance")} + "#" +
              std::to_string(n);
      names.insert(key);
      children.push_back(scraper_child({job, std::move(t), key}, st.scrapers, settings));
      summary += children.back().name + '\n' + children.back().fingerprint + '\n';
    }
    st.scrapers.board->set_dropped(job->name, std::move(targets.dropped));
    for (auto& e : targets.errors) errors.emplace_back(job->name, std::move(e));
  }
  if (summary == st.last_sent) return;
  for (const auto& [job, e] : errors)
    log::warn("discovery", "target not scraped", {{"job", job}, {"error", e}});
  auto targets = st.env.directory->find(st.targets_path);
  if (!targets || !*targets) return;  // restarting: we are restarted with it
  log::info("discovery", "targets updated", {{"targets", std::to_string(children.size())}});
  self->send(*targets, actors::children_atom::value, std::move(children));
  st.last_sent = std::move(summary);
}

caf::behavior discovery(discovery_actor* self, const scrape_jobs* source,
                        actors::scraper_env scrapers, supervision_env env,
                        std::string targets_path) {
  auto& st = self->state;
  st.source = source;
  st.jobs = source->get();
  st.scrapers = std::move(scrapers);
  st.env = env;
  st.targets_path = std::move(targets_path);
  refresh_files(st);
  publish(self);
  self->delayed_send(self, watch_period, watch_atom::value);
  return actors::instrumented(
      self, actors::probe_for(*env.registry, "discovery"),
      [self](watch_atom) {
        if (refresh_files(self->state)) publish(self);
        self->delayed_send(self, watch_period, watch_atom::value);
      },
      [self](actors::reload_atom) {
        auto& st = self->state;
        st.jobs = st.source->get();
        refresh_files(st);
        publish(self);
      });
}

supervision::restart_policy scrape_policy(supervision::restart_strategy strategy) {
  supervision::restart_policy p;
  p.strategy = strategy;
  p.max_restarts = 5;
  p.window = 30s;
  p.initial_backoff = 100ms;
  p.max_backoff = 5s;
  return p;
}

}  // namespace

void scrape_jobs::set(const std::vector<scrape::job>& configured) {
  jobs fresh;
  for (const auto& j : configured) fresh.push_back(std::make_shared<const scrape::job>(j));
  std::lock_guard lock{mutex_};
  jobs_ = std::move(fresh);
}

scrape_jobs::jobs scrape_jobs::get() const {
  std::lock_guard lock{mutex_};
  return jobs_;
}

supervisor_spec scrape_tree(const supervision_env& env, const scrape_jobs& jobs,
                            actors::scraper_env scrapers) {
  using supervision::restart_strategy;
  supervisor_spec targets{.policy = scrape_policy(restart_strategy::one_for_one), .children = {}};
  child_spec watcher;
  watcher.name = "discovery";
  watcher.kind = "discovery";
  watcher.start = [&jobs, scrapers, env](caf::event_based_actor* parent, const std::string& path,
                                         std::function<void()>) {
    auto targets_path = path.substr(0, path.rfind('/')) + "/targets";
    // Detached: it reads files.
    return parent->spawn<caf::detached>(discovery, &jobs, scrapers, env, std::move(targets_path));
  };
  return {.policy = scrape_policy(restart_strategy::one_for_all),
          .children = {supervisor_child("targets", std::move(targets), env), std::move(watcher)}};
}

}  // namespace vigil::runtime
