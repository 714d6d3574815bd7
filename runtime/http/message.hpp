#pragma once

// HTTP request and response values as handlers see them, plus the
// form/percent decoding helpers the API handlers share. Plain values:
// no I/O, no threads; safe to move between threads.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::http {

/// Header fields in arrival order; names keep the sender's spelling.
using header_list = std::vector<std::pair<std::string, std::string>>;

/// Name/value pairs of a query string or form body, in order, repeats kept.
using param_list = std::vector<std::pair<std::string, std::string>>;

/// A fully received request.
struct request {
  std::string method;  ///< "GET", "POST", ... ("HEAD" for HEAD requests, even on a GET route)
  std::string target;  ///< The raw request-target of the request line.
  std::string path;    ///< The percent-decoded path ("/api/v1/query").
  std::string query;   ///< The raw query string, without '?'.
  header_list headers;
  std::string body;    ///< De-chunked body.
  std::string remote;  ///< Peer address, "ip:port" or "[ipv6]:port".
  /// Values of the route's `<param>` segments, by name (percent-decoded).
  std::map<std::string, std::string> params;

  /// The first header named `name` (case-insensitive), if any. The view is
  /// valid while the request is.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;

  /// The decoded query string (see parse_form).
  [[nodiscard]] param_list query_params() const;
};

/// Decodes application/x-www-form-urlencoded text (a query string or a POST
/// form body): pairs split on '&', name and value on the first '=', '+'
/// means space, %XX escapes decoded. Lenient like browsers: empty pairs are
/// skipped, a name without '=' gets an empty value, a malformed escape is
/// kept literally.
[[nodiscard]] param_list parse_form(std::string_view text);

/// Decodes %XX escapes (and '+' as space if `plus_is_space`). Returns
/// nullopt on a malformed escape ("%4", "%zz").
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text,
                                                        bool plus_is_space = false);

/// Case-insensitive ASCII comparison, as header names need.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b);

/// The Prometheus `errorType` conventionally paired with a status:
/// 400, 405, 411, 413, 414, 417, 431 -> "bad_data" (the request itself is
/// unacceptable); 404 -> "not_found"; 408 and 504 -> "timeout";
/// 422 -> "execution"; 503 -> "unavailable"; other 4xx -> "bad_data";
/// 5xx and anything else -> "internal".
[[nodiscard]] std::string_view default_error_type(int status);

/// A complete response. The server adds Content-Length (or chunked framing)
/// and Connection itself; such headers set here are ignored.
struct response {
  int status = 200;
  header_list headers;
  std::string body;

  /// The first header named `name` (case-insensitive), if any.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;

  /// `body` as "application/json".
  [[nodiscard]] static response json(int status, std::string body);

  /// `body` with the given content type.
  [[nodiscard]] static response text(int status, std::string body,
                                     std::string content_type = "text/plain; charset=utf-8");

  /// Prometheus's error shape:
  /// {"status":"error","errorType":"<error_type>","error":"<message>"}.
  /// Invalid UTF-8 in `message` is replaced, never thrown on.
  [[nodiscard]] static response error(int status, std::string_view error_type,
                                      std::string_view message);

  /// As above with default_error_type(status).
  [[nodiscard]] static response error(int status, std::string_view message);
};

}  // namespace vigil::http
