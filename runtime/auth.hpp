#pragma once

// Bearer-token authorisation for every front door (HTTP API, msgpack ingest,
// the admin actor). Roles: admin implies write and read; write does not
// imply read, so push-only agents cannot query. Without configured tokens
// authorisation is off: the default node listens on loopback only.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"

namespace vigil::runtime {

enum class verdict {
  allowed,
  unauthenticated,  ///< no token, or one nobody configured (HTTP 401)
  forbidden,        ///< a valid token without the needed role (HTTP 403)
};

class authenticator {
 public:
  explicit authenticator(const config::auth_config& cfg);

  [[nodiscard]] bool enabled() const { return !roles_.empty(); }

  /// Whether `token` (absent: none presented) may act in `needed` role.
  [[nodiscard]] verdict check(std::optional<std::string_view> token, config::role needed) const;

 private:
  std::unordered_map<std::string, std::vector<config::role>> roles_;  // token -> roles
};

/// The token of an "Authorization: Bearer <token>" header value.
[[nodiscard]] std::optional<std::string_view> bearer_token(std::string_view authorization);

}  // namespace vigil::runtime
