#include "runtime/wire/push_protocol.hpp"

#include <array>

namespace vigil::wire::push {
namespace {

// Indexed by the enumerator's value.
constexpr std::array<std::string_view, 11> code_names = {
    "unauthorized",   "unsupported_version", "bad_message", "too_large",
    "invalid_labels", "out_of_order",        "duplicate",   "limit_exceeded",
    "out_of_bounds",  "overloaded",          "internal",
};

}  // namespace

std::string_view to_string(code c) noexcept {
  return code_names[static_cast<std::size_t>(c)];
}

std::optional<code> code_from(std::string_view name) noexcept {
  for (std::size_t i = 0; i < code_names.size(); ++i)
    if (code_names[i] == name) return static_cast<code>(i);
  return std::nullopt;
}

}  // namespace vigil::wire::push
