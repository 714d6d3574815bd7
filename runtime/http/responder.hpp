#pragma once

// The way a handler answers a request, possibly later and from another
// thread. A responder is a move-only ticket for exactly one response: either
// one send(), or begin() + write()* + end() for a streamed (chunked) body.
// It never points at the connection itself: the server's sink refers to it
// through a weak handle and posts every call into the loop thread, so a
// responder outliving its connection (or the whole loop) is harmless.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "runtime/http/message.hpp"

namespace vigil::http {

namespace detail {

/// Where a responder's calls go. The server implements it per request; the
/// responder guarantees the call order (send, or begin/write*/end|abort,
/// at most once each terminal call). Implementations must accept calls from
/// any thread.
class response_sink {
 public:
  virtual ~response_sink() = default;
  virtual void send(response r) = 0;
  virtual void begin(int status, header_list headers) = 0;
  virtual void write(std::string chunk) = 0;
  virtual void end() = 0;
  /// The responder was dropped mid-stream: the body must be cut off.
  virtual void abort() = 0;
  [[nodiscard]] virtual bool open() const = 0;
  [[nodiscard]] virtual std::size_t pending_bytes() const = 0;
};

}  // namespace detail

/// Completes one request.
///
/// Thread-safety: every method may be called from any thread, but a
/// responder is not synchronised itself; use it from one thread at a time
/// (moving it to another thread between calls is fine). Calls after the
/// connection closed are silently dropped. Calls out of order (write before
/// begin, send after begin, anything after completion) are ignored and
/// logged as warnings.
///
/// Destroying a responder that was never completed sends
/// 500 {"status":"error","errorType":"internal","error":"handler dropped the request"};
/// destroying one mid-stream cuts the body off and closes the connection, so
/// the client sees a truncated response instead of a complete-looking one.
class responder {
 public:
  /// A responder delivering to `sink`; for transports (the server) and
  /// tests. A null sink makes every call a no-op.
  explicit responder(std::shared_ptr<detail::response_sink> sink);

  /// A responder that calls `on_complete` with the final response on the
  /// completing thread: streamed chunks are concatenated; dropping it yields
  /// the 500 "handler dropped the request" response. For unit tests of
  /// handlers and for in-process callers.
  [[nodiscard]] static responder to_function(std::function<void(response)> on_complete);

  responder(responder&& other) noexcept;
  /// Completes (as dropped) the responder being overwritten, if pending.
  responder& operator=(responder&& other) noexcept;
  responder(const responder&) = delete;
  responder& operator=(const responder&) = delete;
  ~responder();

  /// Sends the whole response.
  void send(response r);

  /// Starts a streamed response: the status line and headers go out now,
  /// the body follows with Transfer-Encoding: chunked (HTTP/1.1) or is
  /// delimited by closing the connection (HTTP/1.0).
  void begin(int status, header_list headers = {});

  /// Appends a piece of the streamed body. Empty chunks are skipped.
  void write(std::string chunk);

  /// Finishes the streamed response.
  void end();

  /// False once completed or once the connection is known to be closed, so
  /// a producer can stop early. Best effort: true does not promise delivery.
  [[nodiscard]] bool open() const;

  /// Bytes passed to write() that have not yet reached the socket (still
  /// meaningful after end()). Streaming producers should pause while this
  /// is large (slow reader) instead of buffering without bound.
  [[nodiscard]] std::size_t pending_bytes() const;

  /// True once send() or end() was called (or after a move-from).
  [[nodiscard]] bool completed() const { return state_ == state::done; }

 private:
  enum class state { fresh, streaming, done };

  void finish_dropped() noexcept;
  [[nodiscard]] bool expect(state wanted, const char* call);

  std::shared_ptr<detail::response_sink> sink_;
  state state_ = state::fresh;
};

}  // namespace vigil::http
