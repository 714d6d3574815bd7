// Supervisor behaviour against a real actor system. Children report their
// starts and stops into an event log the test awaits with bounded timeouts.

#include "runtime/supervisor.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "actors/instrument.hpp"

using namespace std::chrono_literals;
using namespace vigil;
using namespace vigil::runtime;

namespace {

/// Thread-safe log of "start:a", "stop:a", ... awaited by the test.
class event_log {
 public:
  void push(std::string e) {
    std::lock_guard lock{mutex_};
    events_.push_back(std::move(e));
    cv_.notify_all();
  }
  /// Waits until `e` has been seen `n` times; false after 5 s.
  bool await(const std::string& e, size_t n = 1) {
    std::unique_lock lock{mutex_};
    return cv_.wait_for(lock, 5s, [&] { return count_locked(e) >= n; });
  }
  size_t count(const std::string& e) {
    std::lock_guard lock{mutex_};
    return count_locked(e);
  }
  std::vector<std::string> matching(const std::string& prefix) {
    std::lock_guard lock{mutex_};
    std::vector<std::string> out;
    for (const auto& e : events_)
      if (e.starts_with(prefix)) out.push_back(e);
    return out;
  }

 private:
  size_t count_locked(const std::string& e) const {
    return static_cast<size_t>(std::count(events_.begin(), events_.end(), e));
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> events_;
};

struct fixture {
  metrics::registry registry;
  actor_directory directory;
  event_log log;
  // Declared last: destroyed first, waiting for the actors that use the above.
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::vector<caf::actor> roots;

  fixture() {
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
  }

  ~fixture() {
    for (auto& r : roots) caf::anon_send_exit(r, caf::exit_reason::kill);
  }

  caf::actor spawn(supervisor_spec spec, std::function<void()> on_started = {}) {
    roots.push_back(spawn_supervisor(*sys, "t", std::move(spec), env(), std::move(on_started)));
    return roots.back();
  }

  supervision_env env() {
    return {.registry = &registry, .directory = &directory, .stop_timeout = 2s};
  }

  child_spec leaf(std::string name) {
    child_spec c;
    c.name = name;
    c.kind = "leaf";
    c.start = [this, name](caf::event_based_actor* parent, const std::string&,
                           std::function<void()>) {
      return parent->spawn([this, name](caf::event_based_actor* self) {
        log.push("start:" + name);
        self->attach_functor([this, name] { log.push("stop:" + name); });
        return actors::instrumented(self, actors::probe_for(registry, "leaf"),
                                    [](int x) { return x; });
      });
    };
    return c;
  }

  caf::actor child_handle(const std::string& path) {
    auto h = directory.find(path);
    REQUIRE(h);
    return *h;
  }

  double restarts() {
    return registry.counters("vigil_actor_restarts_total", "", {"kind"}).with({"leaf"}).value();
  }
};

supervision::restart_policy fast_policy(supervision::restart_strategy s, uint32_t max = 5) {
  supervision::restart_policy p;
  p.strategy = s;
  p.max_restarts = max;
  p.window = 30s;
  p.initial_backoff = 1ms;
  p.max_backoff = 10ms;
  return p;
}

}  // namespace

TEST_CASE_METHOD(fixture, "one_for_one restarts only the failed child", "[supervisor]") {
  auto sup =
      spawn({fast_policy(supervision::restart_strategy::one_for_one), {leaf("a"), leaf("b")}});
  REQUIRE(log.await("start:b"));
  caf::anon_send_exit(child_handle("t/a"), caf::exit_reason::kill);
  REQUIRE(log.await("start:a", 2));
  CHECK(log.count("start:b") == 1);
  CHECK(restarts() == 1);
  CHECK(directory.list().size() == 3);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(fixture, "a child that throws is restarted", "[supervisor]") {
  auto sup = spawn({fast_policy(supervision::restart_strategy::one_for_one), {leaf("a")}});
  REQUIRE(log.await("start:a"));
  caf::anon_send(child_handle("t/a"), actors::fault_atom::value, std::string{"throw"});
  REQUIRE(log.await("start:a", 2));
  caf::anon_send(child_handle("t/a"), actors::fault_atom::value, std::string{"exit"});
  REQUIRE(log.await("start:a", 3));
  CHECK(restarts() == 2);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(fixture, "one_for_all restarts every child", "[supervisor]") {
  auto sup =
      spawn({fast_policy(supervision::restart_strategy::one_for_all), {leaf("a"), leaf("b")}});
  REQUIRE(log.await("start:b"));
  caf::anon_send_exit(child_handle("t/b"), caf::exit_reason::kill);
  REQUIRE(log.await("start:b", 2));
  REQUIRE(log.await("start:a", 2));
  CHECK(log.count("stop:a") == 1);
  CHECK(restarts() == 2);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(fixture, "failing faster than the intensity escalates naming the child",
                 "[supervisor]") {
  auto sup =
      spawn({fast_policy(supervision::restart_strategy::one_for_one, 2), {leaf("a"), leaf("b")}});
  caf::scoped_actor self{*sys};
  self->monitor(sup);
  for (size_t n = 1; n <= 3; ++n) {
    REQUIRE(log.await("start:a", n));
    caf::anon_send_exit(child_handle("t/a"), caf::exit_reason::kill);
  }
  caf::error reason;
  self->receive([&](caf::down_msg& msg) { reason = msg.reason; },
                caf::after(5s) >> [] { FAIL("supervisor did not escalate"); });
  CHECK(reason != caf::exit_reason::user_shutdown);
  CHECK_THAT(sys->render(reason), Catch::Contains("child t/a exceeded its restart intensity"));
  CHECK(log.count("stop:b") == 1);
}

TEST_CASE_METHOD(fixture, "shutdown stops children in reverse order", "[supervisor]") {
  auto sup = spawn(
      {fast_policy(supervision::restart_strategy::one_for_one), {leaf("a"), leaf("b"), leaf("c")}});
  REQUIRE(log.await("start:c"));
  caf::scoped_actor self{*sys};
  self->monitor(sup);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
  caf::error reason;
  self->receive([&](caf::down_msg& msg) { reason = msg.reason; },
                caf::after(5s) >> [] { FAIL("supervisor did not stop"); });
  CHECK(reason == caf::exit_reason::user_shutdown);
  CHECK(log.matching("stop:") == std::vector<std::string>{"stop:c", "stop:b", "stop:a"});
  CHECK(restarts() == 0);
}

TEST_CASE_METHOD(fixture, "a nested tree reports started once every supervisor is up",
                 "[supervisor]") {
  auto policy = fast_policy(supervision::restart_strategy::one_for_one);
  supervisor_spec inner{policy, {leaf("x")}};
  supervisor_spec outer{policy, {supervisor_child("inner", inner, env()), leaf("y")}};
  auto sup = spawn(outer, [this] { log.push("ready"); });
  REQUIRE(log.await("ready"));
  CHECK(log.count("start:x") == 1);
  // Killing the inner supervisor restarts it together with its child.
  caf::anon_send_exit(child_handle("t/inner"), caf::exit_reason::kill);
  REQUIRE(log.await("start:x", 2));
  CHECK(log.count("stop:x") == 1);
  CHECK(log.count("ready") == 1);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(fixture, "instrumented actors count messages by kind", "[supervisor]") {
  auto sup = spawn({fast_policy(supervision::restart_strategy::one_for_one), {leaf("a")}});
  REQUIRE(log.await("start:a"));
  caf::scoped_actor self{*sys};
  for (int i = 0; i < 3; ++i) {
    int answer = 0;
    self->request(child_handle("t/a"), 5s, i)
        .receive([&](int x) { answer = x; }, [](caf::error&) { FAIL("no answer"); });
    CHECK(answer == i);
  }
  CHECK(registry.counters("vigil_actor_messages_total", "", {"kind"}).with({"leaf"}).value() == 3);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(fixture, "a children update starts, keeps, replaces and retires children",
                 "[supervisor]") {
  auto sup = spawn({fast_policy(supervision::restart_strategy::one_for_one), {leaf("a")}});
  REQUIRE(log.await("start:a"));
  auto with = [this](std::string name, std::string fingerprint) {
    auto c = leaf(name);
    c.fingerprint = std::move(fingerprint);
    c.retire = [this, name](caf::event_based_actor* parent, const caf::actor& child) {
      log.push("retire:" + name);
      parent->send_exit(child, caf::exit_reason::user_shutdown);
    };
    return c;
  };
  caf::anon_send(sup, actors::children_atom::value,
                 std::vector<child_spec>{with("a", ""), with("b", "1")});
  REQUIRE(log.await("start:b"));
  CHECK(log.count("start:a") == 1);  // unchanged: kept running

  // b changes: stopped and started anew, without being asked to retire;
  // a is gone: asked to retire, then forgotten.
  caf::anon_send(sup, actors::children_atom::value, std::vector<child_spec>{with("b", "2")});
  REQUIRE(log.await("start:b", 2));
  REQUIRE(log.await("stop:a"));
  CHECK(log.count("retire:a") == 1);
  CHECK(log.count("retire:b") == 0);
  CHECK(log.count("stop:b") == 1);
  // The directory forgets a retired child once it is down.
  for (int i = 0; i < 500 && directory.find("t/a"); ++i) std::this_thread::sleep_for(10ms);
  CHECK_FALSE(directory.find("t/a"));
  CHECK(restarts() == 0);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}
