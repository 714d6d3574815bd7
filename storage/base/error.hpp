#pragma once

// The project's error vocabulary. Engines return `expected<T>` or `error`
// instead of throwing; the actor layer turns an `error` into a `caf::error`
// in one place (actors/caf_error.hpp).

#include <string>
#include <string_view>
#include <utility>

namespace vigil {

/// What went wrong, coarse enough for a caller to act on.
enum class errc {
  invalid_argument,  ///< The caller passed something malformed.
  parse_error,       ///< Input text or bytes could not be decoded.
  not_found,
  io_error,        ///< The operating system refused a file or socket operation.
  corruption,      ///< Stored data failed a checksum or format check.
  limit_exceeded,  ///< A configured limit would be crossed.
  unauthorized,
  unavailable,  ///< Temporarily unable to serve; retry later.
  timeout,      ///< A deadline passed before the work was done.
  internal,     ///< A bug or an invariant violated.
};

/// The stable lower-case name of a code ("parse_error"), for logs and APIs.
[[nodiscard]] std::string_view to_string(errc code) noexcept;

/// An error code with a human-readable message that says what and where.
struct [[nodiscard]] error {
  errc code = errc::internal;
  std::string message;

  error() = default;
  error(errc c, std::string msg) : code(c), message(std::move(msg)) {}

  friend bool operator==(const error&, const error&) = default;
};

/// "parse_error: <message>".
[[nodiscard]] std::string to_string(const error& e);

}  // namespace vigil
