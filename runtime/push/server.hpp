#pragma once

// The TCP server of the msgpack push protocol v1 (docs/protocol.md) on the
// node's ingest port.
//
// Every socket lives on the event_loop thread. Per connection: hello
// first (version 1, the token checked by an authorizer), welcome; then
// writes are decoded on the loop thread and handed to a write_sink (in
// vigild the router, through one forwarding actor that keeps their
// order), whose answer is posted back to the loop; pings are answered at
// once. Answers to writes leave in the order the writes came, whatever
// order storage answers in.
//
// Memory per connection is bounded: with max_inflight writes unanswered,
// or max_pending_output bytes of answers the client has not read, the
// connection stops reading its socket (TCP pushes back on the client)
// and resumes as answers go out. An incomplete message never takes more
// than max_message_bytes (push_framer.hpp), the series cache at most
// cached_series entries.
//
// Shutdown, as vigild does it: drain(deadline) stops accepting, stops
// reading every connection, lets the writes already read be answered,
// tells each client ["error", nil, "overloaded", ...] and closes; at the
// deadline the rest is closed (their writes may or may not be stored).
// Then stop the actors, destroy the server, stop the loop.
//
// The methods of `server` may be called from any thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/http/event_loop.hpp"
#include "runtime/wire/push_protocol.hpp"
#include "runtime/wire/push_series_cache.hpp"
#include "runtime/write_sink.hpp"
#include "storage/base/metrics.hpp"

namespace vigil::push {

namespace detail {
class server_core;
}

/// Limits and timeouts of a push server.
struct server_options {
  /// The node's name, announced in welcome.
  std::string node = "vigil";
  /// The largest message taken (welcome's max_message_bytes).
  std::size_t max_message_bytes = wire::push::default_max_message_bytes;
  /// Unanswered writes per connection (welcome's max_inflight).
  uint32_t max_inflight = wire::push::default_max_inflight;
  /// Connections beyond this are told ["error", nil, "overloaded", ...]
  /// and closed.
  uint32_t max_connections = 1024;
  /// A connection whose hello has not arrived by then is closed.
  std::chrono::milliseconds hello_timeout{10000};
  /// A connection that neither sends nor reads for this long, with no
  /// write in progress, is closed (pings keep it open).
  std::chrono::milliseconds idle_timeout{300000};
  /// After its last answer the server shuts down its sending side and
  /// discards input for at most this long, so that the client reads the
  /// answer instead of a reset.
  std::chrono::milliseconds linger_timeout{2000};
  /// Answers a client has not read yet, in bytes, before the connection
  /// stops reading.
  std::size_t max_pending_output = std::size_t{1} << 20;
  /// Label sets each connection's series cache remembers (0: no cache).
  std::size_t cached_series = wire::push::default_cached_series;
};

/// Whether a hello's token may write: nullopt when it may, otherwise the
/// reason, sent to the client as unauthorized.
using authorizer = std::function<std::optional<std::string>(std::string_view token)>;

/// A push server on an event_loop, which must outlive it.
class server {
 public:
  /// Nothing is bound until listen(). Self-metrics (vigil_push_*) go to
  /// `registry` when given; `registry` must outlive the server.
  server(http::event_loop& loop, server_options options, authorizer authorize,
         runtime::write_sink sink, metrics::registry* registry = nullptr);

  /// Closes the listeners and every connection at once; answers still to
  /// come are dropped. Waits for the loop thread when called from another
  /// thread while the loop runs.
  ~server();

  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds and listens on `host` (an IPv4 or IPv6 literal; "" means
  /// 0.0.0.0) and `port` (0: ephemeral); returns the bound port. Errors as
  /// http::server::listen.
  [[nodiscard]] expected<uint16_t> listen(std::string host, uint16_t port);

  /// Graceful shutdown (see the file comment). `done` runs exactly once:
  /// on the loop thread, or at once when the loop is already stopped.
  void drain(std::chrono::milliseconds deadline, std::function<void()> done);

  /// The blocking form for plain threads; on the loop thread it only
  /// starts the drain.
  void drain(std::chrono::milliseconds deadline);

 private:
  http::event_loop& loop_;
  std::shared_ptr<detail::server_core> core_;
};

}  // namespace vigil::push
