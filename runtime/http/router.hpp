#pragma once

// Maps (method, path) to a handler and a stable handler name for metrics.
// Built once before the server starts, then only read on the loop thread.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/http/message.hpp"
#include "runtime/http/responder.hpp"

namespace vigil::http {

/// Answers one request. Runs on the loop thread and must not block: hand
/// long work (and the responder) to an actor or another thread.
using handler = std::function<void(request&&, responder)>;

/// The name given to requests that matched no route (404 and 405), so that
/// metric cardinality stays bounded whatever paths clients send.
inline constexpr std::string_view unmatched_handler_name = "other";

/// The outcome of router::match.
struct route_match {
  int status = 404;                           ///< 200 when `fn` was found, else 404 or 405.
  const handler* fn = nullptr;                ///< Valid while the router is alive and unchanged.
  std::string_view name;                      ///< The route's name, or "other".
  std::map<std::string, std::string> params;  ///< `<param>` values.
  std::string allow;                          ///< For 405: "GET, HEAD, POST".
};

/// A table of routes. Not thread-safe for modification; concurrent match()
/// calls are fine.
class router {
 public:
  /// Adds a route. `pattern` is an absolute path whose segments are literal
  /// or `<name>` placeholders matching one non-empty segment (e.g.
  /// "/api/v1/label/<name>/values"). `name` labels the route in metrics.
  /// A route with the same method and pattern as an earlier one replaces it.
  /// A GET route also answers HEAD (the server drops the body).
  void add(std::string method, std::string pattern, std::string name, handler fn);

  /// Finds the route for a decoded path. When several patterns match, the
  /// one with a literal segment where the other has a placeholder (first
  /// difference from the left) wins. If the path matches only routes of other
  /// methods, the result is 405 with their methods in `allow`.
  [[nodiscard]] route_match match(std::string_view method, std::string_view path) const;

  /// Every route name plus "other", for pre-creating metric series.
  [[nodiscard]] std::vector<std::string> handler_names() const;

 private:
  struct segment {
    std::string text;
    bool param = false;
  };
  struct route {
    std::string method;
    std::string pattern;
    std::string name;
    std::vector<segment> segments;
    handler fn;
  };

  [[nodiscard]] static bool path_matches(const route& r,
                                         const std::vector<std::string_view>& parts);
  [[nodiscard]] static bool more_specific(const route& a, const route& b);

  std::vector<route> routes_;
};

}  // namespace vigil::http
