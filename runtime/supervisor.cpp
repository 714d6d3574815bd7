#include "runtime/supervisor.hpp"

#include <caf/all.hpp>
#include <optional>
#include <unordered_map>

#include "actors/instrument.hpp"
#include "storage/base/log.hpp"

namespace vigil::runtime {
namespace {

using actors::restart_atom;
using actors::started_atom;
using actors::stop_timeout_atom;
using supervision::restart_strategy;
using supervision::restart_tracker;

struct child {
  child_spec spec;
  std::string path;
  restart_tracker tracker;
  caf::actor handle;  // null while down
  bool started = false;
  // Children updates: asked to stop, then forgotten or started from `next`.
  bool retiring = false;
  std::optional<child_spec> next;
};

struct supervisor_state {
  std::string path;
  supervision::restart_policy policy;
  supervision_env env;
  std::vector<child> children;
  std::optional<restart_tracker> group;  // one_for_all: intensity of the group
  std::function<void()> on_started;
  bool reported_started = false;
  // one_for_all: children told to stop before the group restarts.
  std::vector<caf::actor_addr> draining;
  bool group_restart_due = false;
  // Shutdown: children are stopped one at a time, last first.
  bool stopping = false;
  caf::error stop_reason;
  caf::actor_id stop_pending = caf::invalid_actor_id;
  // Handles of live children, shared with the attachable that stops them if
  // this supervisor dies abruptly (the state is gone by then).
  std::shared_ptr<std::vector<caf::actor>> live = std::make_shared<std::vector<caf::actor>>();

  static inline const char* name = "vigil.supervisor";
};

using supervisor_actor = caf::stateful_actor<supervisor_state>;

void report_if_started(supervisor_actor* self) {
  auto& st = self->state;
  if (st.reported_started || st.stopping) return;
  for (const auto& c : st.children)
    if (!c.started) return;
  st.reported_started = true;
  log::debug("supervisor", "started", {{"actor", st.path}});
  if (st.on_started) st.on_started();
}

void start_child(supervisor_actor* self, child& c) {
  auto parent = caf::actor_cast<caf::actor_addr>(self);
  auto name = c.spec.name;
  c.started = !c.spec.reports_started;
  c.handle = c.spec.start(self, c.path, [parent, name] {
    if (auto p = caf::actor_cast<caf::actor>(parent)) caf::anon_send(p, started_atom::value, name);
  });
  // Monitored, not linked: a child killed with exit_reason::kill would
  // take a linked supervisor down with it, since kill cannot be trapped.
  self->monitor(c.handle);
  self->state.live->push_back(c.handle);
  self->state.env.directory->started(c.path, c.spec.kind, c.handle);
}

void restart_child(supervisor_actor* self, child& c) {
  start_child(self, c);
  log::info("supervisor", "child restarted", {{"actor", self->state.path}, {"child", c.path}});
}

void stop_next(supervisor_actor* self) {
  auto& st = self->state;
  if (st.stop_pending != caf::invalid_actor_id) return;
  for (auto it = st.children.rbegin(); it != st.children.rend(); ++it) {
    if (!it->handle) continue;
    st.stop_pending = it->handle.id();
    self->send_exit(it->handle, caf::exit_reason::user_shutdown);
    self->delayed_send(self, st.env.stop_timeout, stop_timeout_atom::value, st.stop_pending);
    return;
  }
  if (!st.draining.empty()) return;
  for (const auto& c : st.children) st.env.directory->erase(c.path);
  self->quit(st.stop_reason);
}

void begin_shutdown(supervisor_actor* self, caf::error reason) {
  auto& st = self->state;
  if (st.stopping) return;
  st.stopping = true;
  st.stop_reason = std::move(reason);
  stop_next(self);
}

void restart_group(supervisor_actor* self) {
  auto& st = self->state;
  st.group_restart_due = false;
  for (auto& c : st.children)
    if (!c.handle) restart_child(self, c);
}

void on_child_failure(supervisor_actor* self, child& c, const caf::error& reason) {
  auto& st = self->state;
  auto& tracker = st.group ? *st.group : c.tracker;
  auto decision = tracker.on_failure(supervision::clock::now());
  if (decision.escalate) {
    const auto& p = tracker.policy();
    std::string why = "child " + c.path + " exceeded its restart intensity (" +
                      std::to_string(p.max_restarts) + " restarts in " + format_duration(p.window) +
                      ")";
    log::error("supervisor", "escalating",
               {{"actor", st.path},
                {"child", c.path},
                {"reason", self->system().render(reason)},
                {"detail", why}});
    st.env.directory->stopped(c.path, false);
    begin_shutdown(self, caf::make_error(caf::sec::runtime_error, std::move(why)));
    return;
  }
  auto& restarts = st.env.registry->counters(
      "vigil_actor_restarts_total", "Actor restarts by supervisors, by actor kind.", {"kind"});
  log::warn("supervisor", "child failed, restarting",
            {{"actor", st.path},
             {"child", c.path},
             {"reason", self->system().render(reason)},
             {"backoff", format_duration(decision.delay)}});
  restarts.with({c.spec.kind}).inc();
  st.env.directory->stopped(c.path, true);
  if (!st.group) {
    self->delayed_send(self, decision.delay, restart_atom::value, c.spec.name);
    return;
  }
  for (auto& other : st.children) {
    if (!other.handle) continue;
    restarts.with({other.spec.kind}).inc();
    st.env.directory->stopped(other.path, true);
    st.draining.push_back(other.handle.address());
    self->send_exit(other.handle, caf::exit_reason::user_shutdown);
    other.handle = nullptr;
  }
  self->delayed_send(self, decision.delay, restart_atom::value, std::string{});
}

child make_child(supervisor_actor* self, child_spec spec) {
  auto path = self->state.path + "/" + spec.name;
  return {
      std::move(spec), std::move(path), restart_tracker{self->state.policy}, {}, false, false, {}};
}

// A retiring child is down: it is forgotten, or replaced by its next spec.
// Returns the position after it.
std::vector<child>::iterator on_retired(supervisor_actor* self, std::vector<child>::iterator it) {
  auto& st = self->state;
  if (!it->next) {
    st.env.directory->erase(it->path);
    return st.children.erase(it);
  }
  *it = make_child(self, std::move(*it->next));
  start_child(self, *it);
  return it + 1;
}

void update_children(supervisor_actor* self, std::vector<child_spec> specs) {
  auto& st = self->state;
  if (st.stopping) return;
  std::unordered_map<std::string, size_t> wanted;
  for (size_t i = 0; i < specs.size(); ++i) wanted.emplace(specs[i].name, i);
  std::vector<bool> placed(specs.size());
  for (auto it = st.children.begin(); it != st.children.end();) {
    auto found = wanted.find(it->spec.name);
    if (found != wanted.end()) {
      placed[found->second] = true;
      auto& spec = specs[found->second];
      if (spec.fingerprint == it->spec.fingerprint && !it->retiring) {
        it->spec = std::move(spec);  // the same child; restarts use the newest spec
        ++it;
        continue;
      }
      it->next = std::move(spec);
    } else {
      it->next.reset();
    }
    if (!it->handle) {  // down, waiting for its restart: nothing to stop
      it = on_retired(self, it);
      continue;
    }
    if (!it->retiring) {
      it->retiring = true;
      // Replaced children just stop; removed ones are asked to leave.
      if (it->next || !it->spec.retire)
        self->send_exit(it->handle, caf::exit_reason::user_shutdown);
      else
        it->spec.retire(self, it->handle);
    }
    ++it;
  }
  for (size_t i = 0; i < specs.size(); ++i) {
    if (placed[i]) continue;
    st.children.push_back(make_child(self, std::move(specs[i])));
    start_child(self, st.children.back());
  }
}

void on_child_down(supervisor_actor* self, caf::down_msg& msg) {
  auto& st = self->state;
  std::erase_if(*st.live, [&](const caf::actor& a) { return a.address() == msg.source; });
  if (auto it = std::find(st.draining.begin(), st.draining.end(), msg.source);
      it != st.draining.end()) {
    st.draining.erase(it);
    if (st.stopping)
      stop_next(self);
    else if (st.draining.empty() && st.group_restart_due)
      restart_group(self);
    return;
  }
  auto it = std::find_if(st.children.begin(), st.children.end(), [&](const child& c) {
    return c.handle && c.handle.address() == msg.source;
  });
  if (it == st.children.end()) return;
  auto& c = *it;
  c.handle = nullptr;
  if (c.retiring && !st.stopping) {
    (void)on_retired(self, it);
  } else if (st.stopping) {
    st.stop_pending = caf::invalid_actor_id;
    st.env.directory->stopped(c.path, false);
    stop_next(self);
  } else if (msg.reason == caf::exit_reason::normal) {
    log::info("supervisor", "child finished", {{"actor", st.path}, {"child", c.path}});
    st.env.directory->erase(c.path);
  } else {
    on_child_failure(self, c, msg.reason);
  }
}

caf::behavior supervisor(supervisor_actor* self, std::string path, supervisor_spec spec,
                         supervision_env env, std::function<void()> on_started) {
  auto& st = self->state;
  st.path = std::move(path);
  st.env = env;
  st.on_started = std::move(on_started);
  st.policy = spec.policy;
  if (spec.policy.strategy == restart_strategy::one_for_all) st.group.emplace(spec.policy);
  for (auto& c : spec.children) st.children.push_back(make_child(self, std::move(c)));
  // Children are monitored, so an exit message is a shutdown request: from
  // the parent supervisor dying, or from the process shutting down.
  self->set_exit_handler(
      [self](caf::exit_msg& msg) { begin_shutdown(self, std::move(msg.reason)); });
  self->set_down_handler([self](caf::down_msg& msg) { on_child_down(self, msg); });
  // Dying abruptly (killed, or a handler threw) skips the ordered stop:
  // still make sure no child outlives us.
  self->attach_functor([live = st.live] {
    for (auto& c : *live) caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
  });
  for (auto& c : st.children) start_child(self, c);
  report_if_started(self);
  return actors::instrumented(
      self, actors::probe_for(*env.registry, "supervisor"),
      [self](started_atom, const std::string& name) {
        for (auto& c : self->state.children)
          if (c.spec.name == name && c.handle) c.started = true;
        report_if_started(self);
      },
      [self](restart_atom, const std::string& name) {
        auto& st = self->state;
        if (st.stopping) return;
        if (name.empty()) {  // one_for_all
          if (st.draining.empty())
            restart_group(self);
          else
            st.group_restart_due = true;
          return;
        }
        for (auto& c : st.children)
          if (c.spec.name == name && !c.handle) restart_child(self, c);
      },
      [self](actors::children_atom, std::vector<child_spec>& specs) {
        update_children(self, std::move(specs));
      },
      [self](stop_timeout_atom, caf::actor_id id) {
        for (auto& c : self->state.children) {
          if (c.handle && c.handle.id() == id) {
            log::warn("supervisor", "child did not stop in time, killing",
                      {{"actor", self->state.path}, {"child", c.path}});
            self->send_exit(c.handle, caf::exit_reason::kill);
          }
        }
      });
}

}  // namespace

child_spec supervisor_child(std::string name, supervisor_spec spec, supervision_env env) {
  child_spec c;
  c.name = std::move(name);
  c.kind = "supervisor";
  c.reports_started = true;
  c.start = [spec = std::move(spec), env](caf::event_based_actor* parent, const std::string& path,
                                          std::function<void()> on_started) {
    return parent->spawn(supervisor, path, spec, env, std::move(on_started));
  };
  return c;
}

caf::actor spawn_supervisor(caf::actor_system& sys, std::string path, supervisor_spec spec,
                            supervision_env env, std::function<void()> on_started) {
  auto self = sys.spawn(supervisor, path, std::move(spec), env, std::move(on_started));
  env.directory->started(path, "supervisor", self);
  return self;
}

}  // namespace vigil::runtime
