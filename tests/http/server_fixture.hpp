#pragma once

// A real server on 127.0.0.1 and an ephemeral port with a standard set of
// routes, a recording observer that tests can wait on, and helper threads
// (responders completed elsewhere) that the fixture joins at the end.
//
// Routes:
//   GET  /hello                        "hello"
//   GET  /api/v1/label/<name>/values   {"name":"<name>"}
//   POST /echo                         the body back, query in X-Query
//   GET  /later                        completed 20 ms later from a thread
//   GET  /stream                       "one", "two", "three" streamed from a thread
//   GET  /drop                         drops its responder
//   GET  /throw                        throws
//   GET  /hold                         parks its responder (held()) for the test

#include <catch2/catch.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/http/event_loop.hpp"
#include "runtime/http/server.hpp"
#include "tests/http/test_client.hpp"

namespace vigil::http::test {

/// Short limits so limit tests run fast.
inline server_options quick_options() {
  server_options o;
  o.read_timeout = 300ms;
  o.idle_timeout = 10s;
  o.linger_timeout = 500ms;
  o.max_header_bytes = 8 * 1024;
  o.max_body_bytes = 64 * 1024;
  o.max_connections = 64;
  return o;
}

struct observation {
  std::string handler;
  int status = 0;
  double seconds = 0;
};

class server_fixture {
 public:
  explicit server_fixture(server_options options = quick_options()) {
    REQUIRE_FALSE(loop.start());
    srv = std::make_unique<server>(loop, options, standard_routes(),
                                   [this](std::string_view name, int status, double seconds) {
                                     std::lock_guard lock(mutex_);
                                     seen_.push_back({std::string(name), status, seconds});
                                     cv_.notify_all();
                                   });
    auto bound = srv->listen("127.0.0.1", 0);
    REQUIRE(bound);
    port = *bound;
  }

  ~server_fixture() {
    // After srv.reset() no handler runs, so helpers_ is ours alone.
    srv.reset();
    for (auto& t : helpers_) t.join();
    held_.clear();
    loop.stop();
  }

  /// Waits until `n` responders were parked by /hold and takes them.
  std::vector<responder> take_held(std::size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return held_.size() >= n; });
    return std::exchange(held_, {});
  }

  /// A connected client; fails the test otherwise.
  client connect() {
    auto c = client::connect(port);
    REQUIRE(c);
    return std::move(*c);
  }

  /// Waits until the observer saw at least `n` responses; returns them.
  std::vector<observation> wait_observed(std::size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return seen_.size() >= n; });
    return seen_;
  }

  event_loop loop;
  std::unique_ptr<server> srv;
  std::uint16_t port = 0;

 private:
  router standard_routes() {
    router r;
    r.add("GET", "/hello", "hello",
          [](request&&, responder res) { res.send(response::text(200, "hello")); });
    r.add("GET", "/api/v1/label/<name>/values", "/api/v1/label/<name>/values",
          [](request&& req, responder res) {
            res.send(response::json(200, "{\"name\":\"" + req.params["name"] + "\"}"));
          });
    r.add("POST", "/echo", "echo", [](request&& req, responder res) {
      auto out = response::text(200, std::move(req.body));
      out.headers.emplace_back("X-Query", req.query);
      res.send(std::move(out));
    });
    r.add("GET", "/later", "later", [this](request&&, responder res) {
      helpers_.emplace_back([res = std::move(res)]() mutable {
        std::this_thread::sleep_for(20ms);  // a slow backend, not synchronisation
        res.send(response::text(200, "later"));
      });
    });
    r.add("GET", "/stream", "stream", [this](request&&, responder res) {
      helpers_.emplace_back([res = std::move(res)]() mutable {
        res.begin(200, {{"Content-Type", "text/plain"}});
        for (const char* part : {"one", "two", "three"}) res.write(part);
        res.end();
      });
    });
    r.add("GET", "/drop", "drop", [](request&&, responder) {});
    r.add("GET", "/throw", "throw",
          [](request&&, responder) { throw std::runtime_error("handler bug"); });
    r.add("GET", "/hold", "hold", [this](request&&, responder res) {
      std::lock_guard lock(mutex_);
      held_.push_back(std::move(res));
      cv_.notify_all();
    });
    return r;
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<observation> seen_;
  std::vector<responder> held_;
  std::vector<std::thread> helpers_;  // touched on the loop thread only, then joined
};

}  // namespace vigil::http::test
