#include "runtime/auth.hpp"

#include <algorithm>

namespace vigil::runtime {

authenticator::authenticator(const config::auth_config& cfg) {
  for (const auto& t : cfg.tokens) roles_[t.token] = t.roles;
}

verdict authenticator::check(std::optional<std::string_view> token, config::role needed) const {
  if (!enabled()) return verdict::allowed;
  if (!token) return verdict::unauthenticated;
  auto it = roles_.find(std::string{*token});
  if (it == roles_.end()) return verdict::unauthenticated;
  const auto& roles = it->second;
  auto has = [&](config::role r) {
    return std::find(roles.begin(), roles.end(), r) != roles.end();
  };
  return has(config::role::admin) || has(needed) ? verdict::allowed : verdict::forbidden;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view scheme = "Bearer ";
  if (authorization.size() <= scheme.size()) return std::nullopt;
  // The scheme is case-insensitive (RFC 9110).
  for (size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(scheme[i])))
      return std::nullopt;
  auto token = authorization.substr(scheme.size());
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

}  // namespace vigil::runtime
