#pragma once

// A client of vigil's msgpack push protocol v1 over TCP (docs/protocol.md):
// plain C++ on POSIX sockets, for vigil-push, tests and benchmarks.
//
//   auto c = push::client::connect("127.0.0.1", 9471, {.token = "s3cret"});
//   if (!c) return c.error_value();
//   auto seq = c->write(batch);            // pipelined up to max_inflight
//   auto answer = c->next_answer();        // the oldest write's ack or error
//
// Calls block, each for at most `timeout` (connect: `connect_timeout`).
// While it sends, the client also reads, so a server answering while it
// receives a large write never deadlocks against it; answers read early
// are kept until next_answer() returns them, in write order.
//
// Failures are error values: errc::io_error (resolving, connecting, a
// closed or reset connection), errc::unavailable (a timeout, or a server
// that is overloaded or shutting down), errc::unauthorized (the token was
// refused), errc::limit_exceeded (a write over max_message_bytes, refused
// before sending), errc::parse_error (the server broke the protocol),
// errc::invalid_argument (misuse, or a server that refused our hello).
// After any of them but limit_exceeded the client is unusable: every call
// returns the same error. Answers that refuse one write (["error", seq,
// ...]) are not failures: next_answer() returns them.
//
// Not thread-safe: one thread at a time per client.

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>

#include "runtime/wire/push_decoder.hpp"
#include "storage/base/expected.hpp"

namespace vigil::wire::push {

struct client_options {
  std::string token;                                ///< "" when the server has no tokens
  std::string client = "vigil-client/1";            ///< names us in the server's logs
  std::chrono::milliseconds connect_timeout{5000};  ///< TCP connect plus handshake
  std::chrono::milliseconds timeout{30000};         ///< any other wait for the server
};

/// The answer to one write: its ack, or the error that refused it.
using write_answer = std::variant<ack_msg, error_msg>;

class client {
 public:
  /// Connects to `host` (a name or an IP literal) and `port`, says hello
  /// and waits for the welcome.
  [[nodiscard]] static expected<client> connect(const std::string& host, uint16_t port,
                                                client_options options);

  /// Destruction closes the connection; unanswered writes may or may not
  /// be stored.
  client(client&&) noexcept = default;
  client& operator=(client&&) noexcept = default;

  /// What the server announced.
  [[nodiscard]] const welcome_msg& welcome() const noexcept { return welcome_; }

  /// Sends a write of `series` (with labels) under the next seq and returns
  /// that seq. With max_inflight writes unanswered it first reads until
  /// one is answered.
  [[nodiscard]] expected<uint64_t> write(std::span<const series_write> series);

  /// The answer to the oldest unanswered write, reading until it arrives.
  [[nodiscard]] expected<write_answer> next_answer();

  /// Sends a ping and waits for its pong; the round trip.
  [[nodiscard]] expected<std::chrono::microseconds> ping();

  /// Writes sent whose answers next_answer() has not returned yet.
  [[nodiscard]] std::size_t unanswered() const noexcept { return pending_.size(); }

 private:
  using clock = std::chrono::steady_clock;

  // Owns the socket.
  class socket_fd {
   public:
    explicit socket_fd(int fd) : fd_(fd) {}
    socket_fd(socket_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    socket_fd& operator=(socket_fd&& other) noexcept;
    ~socket_fd();
    [[nodiscard]] int get() const noexcept { return fd_; }

   private:
    int fd_;
  };

  client(int fd, client_options options) : fd_(fd), options_(std::move(options)) {}
  // Sends out_, reading meanwhile; then out_ is empty.
  [[nodiscard]] std::optional<error> flush(clock::time_point deadline);
  // Reads what the socket has (waiting until `deadline`) and takes every
  // complete message.
  [[nodiscard]] std::optional<error> read_more(clock::time_point deadline);
  [[nodiscard]] std::optional<error> receive(clock::time_point deadline);
  [[nodiscard]] std::optional<error> take(from_server message);
  // Records a failure: the client is unusable from now on.
  error fail(error e);

  socket_fd fd_;
  client_options options_;
  welcome_msg welcome_;
  server_stream stream_;
  std::string out_;
  uint64_t next_seq_ = 1;
  uint64_t next_ping_ = 1;
  uint64_t last_pong_ = 0;
  std::deque<uint64_t> pending_;       // seqs of unanswered writes, oldest first
  std::deque<write_answer> answered_;  // answers read, not yet returned
  bool welcomed_ = false;
  std::optional<error> failed_;
};

}  // namespace vigil::wire::push
