#pragma once

// A deliberately simple HTTP/1.1 client over blocking-free POSIX sockets
// for the server tests: every wait is a poll() with a deadline, so a broken
// server fails a test instead of hanging it.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/http/message.hpp"

namespace vigil::http::test {

using namespace std::chrono_literals;

/// A parsed response.
struct reply {
  int status = 0;
  header_list headers;
  std::string body;
  std::vector<std::string> chunks;  ///< The chunks, if the body was chunked.

  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
};

/// How a send ended.
enum class send_result { ok, closed, timeout };

class client {
 public:
  /// Connects to 127.0.0.1:port; nullopt on failure.
  static std::optional<client> connect(std::uint16_t port);

  client(client&& other) noexcept;
  client& operator=(client&&) = delete;
  ~client();

  /// Sends everything, waiting up to `timeout` for buffer space. `closed`
  /// when the server reset or closed the connection (EPIPE/ECONNRESET).
  send_result send(std::string_view data, std::chrono::milliseconds timeout = 5s);

  /// Reads one response (1xx responses count as one). `head` for responses
  /// to HEAD requests (no body despite Content-Length). nullopt on timeout,
  /// on a close before a complete response, or on malformed bytes.
  std::optional<reply> read(std::chrono::milliseconds timeout = 5s, bool head = false);

  /// Reads and discards until the server closes (EOF or reset). False if the
  /// connection is still open after `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout = 5s);

  /// Shuts down our sending side.
  void shutdown_write();

 private:
  explicit client(int fd) : fd_(fd) {}

  // Appends more bytes to buffer_; false on timeout or EOF/error.
  bool fill(std::chrono::steady_clock::time_point deadline);
  // Returns the next CRLF-terminated line (without CRLF).
  std::optional<std::string> line(std::chrono::steady_clock::time_point deadline);
  std::optional<std::string> exactly(std::size_t n, std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

/// "GET <target> HTTP/1.1" with a Host header and `extra` header lines.
[[nodiscard]] std::string get(std::string_view target, std::string_view extra = {});

/// A POST with a Content-Length body.
[[nodiscard]] std::string post(std::string_view target, std::string_view body,
                               std::string_view extra = {});

}  // namespace vigil::http::test
