#pragma once

// An HTTP client on the event loop: libcurl's multi interface driven by
// libuv (uv_poll_t per socket, one uv_timer_t), so any number of requests
// run concurrently on the loop thread without blocking it. Scrapers (and
// later notifiers) use it from actors: fetch() posts the request to the
// loop and `done` runs on the loop thread when it completes.
//
// Responses are decoded as curl does for Accept-Encoding gzip/deflate; the
// body limit applies to the decoded bytes. Redirects are not followed
// (Prometheus follows them by default; scrape targets rarely redirect and a
// redirect to another host would leak credentials).
//
// Lifetime: construct after the event_loop and before or after start();
// the client registers a closer, so loop.stop() aborts what is in flight
// (each `done` then runs once with an "aborted" failure). Destroy it after
// the loop stopped.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/http/event_loop.hpp"
#include "storage/base/duration.hpp"
#include "storage/base/error.hpp"

namespace vigil::http {

struct fetch_request {
  std::string url;
  /// Extra request headers (Accept, Authorization, ...), sent as given.
  std::vector<std::pair<std::string, std::string>> headers;
  /// Basic authentication when `username` is not empty.
  std::string username;
  std::string password;
  duration timeout = std::chrono::seconds{10};  ///< the whole exchange
  uint64_t max_body_bytes = 0;                  ///< decoded bytes; 0: no limit
};

struct fetch_result {
  /// Set when no complete response arrived: connection refused, timeout,
  /// body over the limit, bad URL, aborted. The message says which, as
  /// `Get "<url>": <curl's error text>`, e.g. "Get \"http://127.0.0.1:1/metrics\":
  /// Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to
  /// server (Connection refused)" or "Get \"<url>\": aborted" when the loop
  /// stopped or the client was destroyed; over the body limit it is
  /// "body size limit of <max_body_bytes> bytes exceeded". Codes:
  /// invalid_argument (malformed URL, scheme other than http/https),
  /// limit_exceeded (body), unavailable (aborted), io_error (the rest).
  std::optional<error> failure;
  int status = 0;            ///< HTTP status of a complete response
  std::string content_type;  ///< the Content-Type header, "" if absent
  std::string body;
  duration elapsed{0};  ///< from the start of the transfer to its end
};

class client {
 public:
  /// A client on `loop`. Thread-safe after construction.
  explicit client(event_loop& loop);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Starts `req` on the loop thread; `done` runs there exactly once with
  /// the result. If the loop is stopping or stopped, `done` runs at once on
  /// the calling thread with an "aborted" failure. Thread-safe.
  void fetch(fetch_request req, std::function<void(fetch_result)> done);

  /// Requests in flight (for tests and self-metrics). Thread-safe.
  [[nodiscard]] size_t in_flight() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace vigil::http
