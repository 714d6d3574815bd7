#pragma once

// Incremental HTTP/1.x request parsing on top of http-parser 2.9, with the
// server's limits applied while bytes arrive (header bytes, body bytes) so
// nothing is buffered beyond them. Internal to vigil_http; one parser per
// connection, used on the loop thread only. http_parser.h stays out of this
// header (it is a private dependency of vigil_http).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/http/message.hpp"

namespace vigil::http::detail {

/// Limits enforced while parsing.
struct parser_limits {
  std::uint64_t max_header_bytes = 64 * 1024;  ///< Request line plus headers.
  std::uint64_t max_body_bytes = 32 * 1024 * 1024;
};

/// Parses one request at a time out of a byte stream.
class request_parser {
 public:
  enum class outcome {
    need_more,  ///< Everything given was consumed; the request is incomplete.
    complete,   ///< A request is ready (take()); bytes after it were not consumed.
    failed,     ///< Malformed or over a limit: see error_status(). Terminal.
  };
  struct result {
    std::size_t consumed = 0;
    outcome state = outcome::need_more;
  };

  explicit request_parser(parser_limits limits);
  ~request_parser();
  request_parser(const request_parser&) = delete;
  request_parser& operator=(const request_parser&) = delete;

  /// Parses `data`, stopping right after the end of a request.
  [[nodiscard]] result feed(std::string_view data);

  /// True once the first byte of the current request was parsed.
  [[nodiscard]] bool started() const;

  /// True (once) if the current request sent `Expect: 100-continue` and its
  /// body is still to come: the caller should send "100 Continue".
  [[nodiscard]] bool take_continue();

  /// The completed request (path/query split, path decoded); resets for the
  /// next request.
  [[nodiscard]] request take();

  /// Of the last completed request: whether the connection may stay open
  /// (HTTP/1.1 without `Connection: close`, or 1.0 with keep-alive; never
  /// after an Upgrade).
  [[nodiscard]] bool keep_alive() const;

  /// Of the last completed request: HTTP/1.0 (no chunked responses).
  [[nodiscard]] bool http_1_0() const;

  /// After outcome::failed: the status to answer (400, 413, 414, 417, 431).
  [[nodiscard]] int error_status() const;
  /// After outcome::failed: what was wrong, for the error body.
  [[nodiscard]] const std::string& error_message() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace vigil::http::detail
