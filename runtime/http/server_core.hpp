#pragma once

// The loop-thread half of `server`: listeners, the connection table,
// admission (max_connections), draining. Internal to vigil_http.
//
// Lifetime: shared by the `server` facade, every listener and every
// connection, so it outlives the close callbacks of its handles even when
// the facade is gone. All members are used on the loop thread only.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/http/drain.hpp"
#include "runtime/http/event_loop.hpp"
#include "runtime/http/router.hpp"
#include "runtime/http/server.hpp"
#include "runtime/http/tcp.hpp"

namespace vigil::http::detail {

class connection;

class server_core : public std::enable_shared_from_this<server_core> {
 public:
  server_core(event_loop& loop, server_options options, router routes, observer obs);
  ~server_core();
  server_core(const server_core&) = delete;
  server_core& operator=(const server_core&) = delete;

  [[nodiscard]] expected<std::uint16_t> listen(const std::string& host, std::uint16_t port);
  void stop_accepting() { listeners_.close(); }
  void close_idle();
  void drain(std::chrono::milliseconds deadline, std::function<void()> done);
  /// Closes listeners and connections now; no handler runs afterwards.
  void close_all();

  // For connections.
  [[nodiscard]] const server_options& options() const { return options_; }
  [[nodiscard]] const router& routes() const { return routes_; }
  [[nodiscard]] loop_executor executor() const { return loop_.executor(); }
  [[nodiscard]] uv_loop_t* loop() { return loop_.native(); }
  [[nodiscard]] bool draining() const { return draining_; }
  void observe(std::string_view handler_name, int status, double seconds);
  /// A connection's handles are closed: drop it.
  void forget(std::uint64_t id);
  /// One buffer for all reads: libuv hands it to exactly one read callback,
  /// which consumes or copies the bytes before returning.
  [[nodiscard]] uv_buf_t read_buffer() {
    return uv_buf_init(read_buffer_.data(), static_cast<unsigned>(read_buffer_.size()));
  }

 private:
  void accept(uv_stream_t* listener);
  void finish_drain_if_done();

  event_loop& loop_;
  server_options options_;
  router routes_;
  observer observer_;
  std::map<std::uint64_t, std::shared_ptr<connection>> connections_;
  std::size_t rejecting_ = 0;  // connections being answered 503
  listener_set listeners_{"http"};
  std::uint64_t next_id_ = 1;
  bool draining_ = false;
  bool closed_ = false;
  drain_tracker drain_;
  std::optional<event_loop::closer_id> closer_;
  std::array<char, 64 * 1024> read_buffer_{};
};

}  // namespace vigil::http::detail
