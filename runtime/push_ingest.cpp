#include "runtime/push_ingest.hpp"

#include "runtime/router_write.hpp"

namespace vigil::runtime {

std::optional<std::string> push_refusal(const authenticator& auth,
                                        std::optional<std::string_view> token) {
  switch (auth.check(token, config::role::write)) {
    case verdict::allowed:
      return std::nullopt;
    case verdict::unauthenticated:
      return "missing or unknown token";
    case verdict::forbidden:
      return "the token lacks the write role";
  }
  return "token refused";
}

std::unique_ptr<push::server> make_push_server(http::event_loop& loop, caf::actor_system& sys,
                                               const actor_directory& directory,
                                               const authenticator& auth,
                                               metrics::registry& registry,
                                               const std::string& node) {
  push::server_options options;
  options.node = node;
  // A hello carries a token string; an empty one is no token.
  auto authorize = [&auth](std::string_view token) {
    return push_refusal(auth, token.empty() ? std::nullopt : std::optional{token});
  };
  return std::make_unique<push::server>(loop, std::move(options), std::move(authorize),
                                        ordered_router_sink(sys, directory), &registry);
}

}  // namespace vigil::runtime
