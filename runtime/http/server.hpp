#pragma once

// The HTTP/1.1 server: keep-alive, pipelining (answered in order, one
// request parsed at a time), Content-Length and chunked request bodies,
// Expect: 100-continue, streamed (chunked) responses, and limits on header
// bytes, body bytes, read time, idle time and connection count. Every error
// the server produces itself carries Prometheus's JSON error shape.
//
// Threading: all sockets live on the event_loop thread. Handlers run there
// and must not block; they complete through a `responder` from any thread.
// The methods of `server` may be called from any thread.
//
// Shutdown, as vigild does it:
//   1. srv.drain(deadline, done): stop accepting, close idle keep-alive
//      connections, let in-flight requests finish (each answered with
//      `Connection: close`), and once none is left - or at the deadline,
//      by closing the rest - call `done` on the loop thread.
//   2. stop the actors (their responders then talk to closed connections,
//      which is harmless),
//   3. destroy the server, then stop the event_loop.
// Destroying the server or stopping the loop without draining closes every
// connection at once.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/http/event_loop.hpp"
#include "runtime/http/router.hpp"
#include "storage/base/expected.hpp"

namespace vigil::http {

namespace detail {
class server_core;
}

/// Limits and timeouts of a server.
struct server_options {
  /// A request must arrive completely within this time of its first byte;
  /// otherwise 408 and close.
  std::chrono::milliseconds read_timeout{30000};
  /// A keep-alive connection without a request for this long is closed.
  std::chrono::milliseconds idle_timeout{300000};
  /// Request line plus headers; more -> 431 and close.
  std::uint64_t max_header_bytes = 64 * 1024;
  /// Request body (after de-chunking); more -> 413 and close.
  std::uint64_t max_body_bytes = 32 * 1024 * 1024;
  /// Connections beyond this are answered 503 and closed.
  std::uint32_t max_connections = 4096;
  /// After the last response on a connection the server shuts down its
  /// sending side and keeps discarding input for at most this long before
  /// closing, so the client reads the response instead of a reset.
  std::chrono::milliseconds linger_timeout{2000};
};

/// Called on the loop thread once per response fully handed to the kernel,
/// including the server's own error responses (handler name "other"), with
/// the seconds from the request's first byte. Not called for responses lost
/// because the connection closed first. May be empty.
using observer = std::function<void(std::string_view handler_name, int status, double seconds)>;

/// An HTTP server on an event_loop. The event_loop must outlive it.
class server {
 public:
  /// The same as http::observer.
  using observer = http::observer;

  /// Takes the routes; nothing is bound until listen().
  server(event_loop& loop, server_options options, router routes, observer obs = {});

  /// Closes the listeners and every connection at once (responders of
  /// in-flight requests become no-ops). Waits for the loop thread when
  /// called from another thread while the loop runs, so no handler runs
  /// after it returned.
  ~server();

  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds and listens on `host` (an IPv4 or IPv6 literal; "" means
  /// 0.0.0.0) and `port` (0: an ephemeral port). May be called several
  /// times for several addresses. Returns the bound port, or an error:
  /// invalid_argument for a host that is not an IP literal, io_error naming
  /// the address for bind/listen failures (e.g. address already in use),
  /// unavailable when the loop is stopped or the server is shutting down.
  /// From a non-loop thread while the loop runs it waits for the loop thread.
  [[nodiscard]] expected<std::uint16_t> listen(std::string host, std::uint16_t port);

  /// Closes the listeners; existing connections carry on. Does not wait.
  void stop_accepting();

  /// Closes the connections that are waiting for a new request. Does not wait.
  void close_idle();

  /// Graceful shutdown (see the file comment). `done` runs exactly once: on
  /// the loop thread, or on the calling thread right away when the loop is
  /// already stopped. Does not wait.
  void drain(std::chrono::milliseconds deadline, std::function<void()> done);

  /// The blocking form of drain for plain threads (main): returns once the
  /// drain finished (at the latest shortly after `deadline`). On the loop
  /// thread it cannot wait: it starts the drain and returns.
  void drain(std::chrono::milliseconds deadline);

 private:
  event_loop& loop_;
  std::shared_ptr<detail::server_core> core_;
};

}  // namespace vigil::http
