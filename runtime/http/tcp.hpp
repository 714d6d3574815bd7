#pragma once

// TCP plumbing shared by the loop's servers (HTTP, msgpack push): listen
// addresses and listeners, and the handle pair of a served connection.
// Loop thread only, like the handles.

#include <uv.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "storage/base/expected.hpp"

namespace vigil::http {

/// "host:port", an IPv6 host in brackets.
[[nodiscard]] std::string address_text(const std::string& host, std::uint16_t port);

/// The peer of a connected handle as "ip:port", or "unknown".
[[nodiscard]] std::string peer_address(const uv_tcp_t& tcp);

/// The listening sockets of one server. Log lines name the server's
/// component: "listening", "stopped listening", "accept failed".
class listener_set {
 public:
  /// Takes one pending connection of `listener` (for uv_accept).
  using accept_fn = std::function<void(uv_stream_t* listener)>;

  explicit listener_set(std::string component) : component_(std::move(component)) {}
  ~listener_set() { close(); }
  listener_set(const listener_set&) = delete;
  listener_set& operator=(const listener_set&) = delete;

  /// Binds `host` (an IPv4 or IPv6 literal; "" means 0.0.0.0) and `port`
  /// (0: ephemeral), listens and calls `accept` for each connection;
  /// `keep` is held until the listener's close callback. Returns the bound
  /// port; errors: invalid_argument for a host that is not an IP literal,
  /// io_error naming the address (e.g. address already in use).
  [[nodiscard]] expected<std::uint16_t> listen(uv_loop_t* loop, const std::string& host,
                                               std::uint16_t port, std::shared_ptr<void> keep,
                                               accept_fn accept);

  /// Closes every listener; connections carry on.
  void close();

 private:
  struct listener;

  std::string component_;
  std::vector<listener*> listeners_;
};

/// An accepted connection's TCP handle and its timer, closed together.
/// Both handles' data is the owner, whose close callback runs once per
/// handle; release() tells it when the last one closed.
class served_socket {
 public:
  enum class opened {
    nothing,  ///< no handle could be created; no close callback will come
    closing,  ///< accepting failed; the handles are closing already
    open,
  };

  /// Opens both handles on `loop` for `owner` and accepts the pending
  /// connection of `listener` (with TCP_NODELAY).
  [[nodiscard]] opened open(uv_loop_t* loop, uv_stream_t* listener, void* owner,
                            uv_close_cb on_close, const char* component);

  /// Closes both handles (queued writes and a shutdown are cancelled, their
  /// callbacks run first). Idempotent.
  void close();
  [[nodiscard]] bool closed() const noexcept { return closed_; }
  /// For the owner's close callback: true once both handles are closed.
  [[nodiscard]] bool release() noexcept { return --open_ == 0; }

  /// Starts or stops reading; false when libuv refused to start.
  [[nodiscard]] bool read(bool on, uv_alloc_cb alloc, uv_read_cb on_read);
  /// (Re)starts the timer; stop() stops it.
  void arm(std::chrono::milliseconds after, uv_timer_cb on_timer);
  void stop() { uv_timer_stop(&timer_); }

  /// Shuts down the sending side once queued writes are written; then
  /// `done(stream, status)`. False when libuv refused.
  [[nodiscard]] bool shutdown(void (*done)(uv_stream_t* stream, int status));

  [[nodiscard]] uv_stream_t* stream() noexcept { return reinterpret_cast<uv_stream_t*>(&tcp_); }
  [[nodiscard]] const std::string& remote() const noexcept { return remote_; }

 private:
  uv_tcp_t tcp_{};
  uv_timer_t timer_{};
  uv_close_cb on_close_ = nullptr;
  int open_ = 0;
  bool reading_ = false;
  bool closed_ = false;
  void (*after_shutdown_)(uv_stream_t*, int) = nullptr;
  std::string remote_;
};

}  // namespace vigil::http
