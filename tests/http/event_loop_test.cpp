#include "runtime/http/event_loop.hpp"

#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <thread>
#include <vector>

using namespace vigil::http;
using namespace std::chrono_literals;

TEST_CASE("posts from several threads run on the loop thread in per-thread order",
          "[http][event_loop]") {
  event_loop loop;
  REQUIRE_FALSE(loop.start());
  constexpr int per_thread = 1000;
  std::vector<std::vector<int>> seen(4);  // written on the loop thread only
  std::atomic<int> wrong_thread{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i)
        REQUIRE(loop.post([&, t, i] {
          if (!loop.in_loop_thread()) ++wrong_thread;
          seen[t].push_back(i);
        }));
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE(loop.run_in_loop([] {}));  // everything posted before has run
  CHECK(wrong_thread == 0);
  for (const auto& s : seen) {
    REQUIRE(s.size() == per_thread);
    for (int i = 0; i < per_thread; ++i) CHECK(s[static_cast<std::size_t>(i)] == i);
  }
  loop.stop();
}

TEST_CASE("posts after stop are refused and executors outlive the loop", "[http][event_loop]") {
  loop_executor exec;
  {
    event_loop loop;
    REQUIRE_FALSE(loop.start());
    exec = loop.executor();
    std::promise<void> ran;
    REQUIRE(exec.post([&] { ran.set_value(); }));
    CHECK(ran.get_future().wait_for(5s) == std::future_status::ready);
    loop.stop();
    CHECK_FALSE(loop.post([] {}));
    CHECK_FALSE(loop.run_in_loop([] {}));
    loop.stop();  // idempotent
  }
  CHECK_FALSE(exec.post([] {}));
  CHECK_FALSE(loop_executor{}.post([] {}));
}

TEST_CASE("functions posted before start run once started", "[http][event_loop]") {
  event_loop loop;
  std::promise<bool> ran;
  REQUIRE(loop.post([&] { ran.set_value(loop.in_loop_thread()); }));
  REQUIRE_FALSE(loop.start());
  auto f = ran.get_future();
  REQUIRE(f.wait_for(5s) == std::future_status::ready);
  CHECK(f.get());
  CHECK(loop.start());  // a second start is an error
}

TEST_CASE("stop from several threads at once returns in all of them", "[http][event_loop]") {
  event_loop loop;
  REQUIRE_FALSE(loop.start());
  std::vector<std::thread> stoppers;
  for (int i = 0; i < 3; ++i) stoppers.emplace_back([&] { loop.stop(); });
  for (auto& t : stoppers) t.join();
  CHECK_FALSE(loop.post([] {}));
}

TEST_CASE("stop called on the loop thread is finished by the destructor", "[http][event_loop]") {
  auto loop = std::make_unique<event_loop>();
  REQUIRE_FALSE(loop->start());
  std::promise<void> stopped;
  REQUIRE(loop->post([&] {
    loop->stop();
    stopped.set_value();
  }));
  REQUIRE(stopped.get_future().wait_for(5s) == std::future_status::ready);
  loop.reset();  // joins
}

TEST_CASE("closers run at stop and a never-started loop stops cleanly", "[http][event_loop]") {
  event_loop loop;
  uv_timer_t timer;
  uv_timer_init(loop.native(), &timer);
  uv_timer_start(
      &timer, [](uv_timer_t*) {}, 1000000, 0);
  bool closed = false;
  timer.data = &closed;
  loop.add_closer([&] {
    uv_close(reinterpret_cast<uv_handle_t*>(&timer),
             [](uv_handle_t* h) { *static_cast<bool*>(h->data) = true; });
  });
  const auto removed = loop.add_closer([] { FAIL("removed closer ran"); });
  loop.remove_closer(removed);
  loop.stop();
  CHECK(closed);
}

TEST_CASE("on_signal runs its function on the loop thread", "[http][event_loop]") {
  event_loop loop;
  std::promise<bool> got;
  REQUIRE_FALSE(loop.on_signal(SIGUSR2, [&] { got.set_value(loop.in_loop_thread()); }));
  REQUIRE_FALSE(loop.start());
  CHECK(loop.on_signal(SIGUSR1, [] {}));  // not from another thread once running
  // uv_signal handlers are installed process-wide; raise delivers it here.
  ::raise(SIGUSR2);
  auto f = got.get_future();
  REQUIRE(f.wait_for(5s) == std::future_status::ready);
  CHECK(f.get());
}
