#pragma once

// The node's msgpack push front doors share their rules: who may write
// (the write role, as for every ingest endpoint) and where writes go (the
// router). This builds the TCP push server on the ingest port from them;
// the HTTP form (POST /api/v1/push) is in ingest_api.cpp.

#include <caf/fwd.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/actor_directory.hpp"
#include "runtime/auth.hpp"
#include "runtime/push/server.hpp"

namespace vigil::runtime {

/// Why `token` (absent: none presented) may not push, or nullopt when it
/// may: the message of the unauthorized error.
[[nodiscard]] std::optional<std::string> push_refusal(const authenticator& auth,
                                                      std::optional<std::string_view> token);

/// The TCP push server of node `node`: hellos checked with `auth`, writes
/// through the router, metrics in `registry`. Everything passed must
/// outlive the server; it listens once listen() is called.
[[nodiscard]] std::unique_ptr<push::server> make_push_server(
    http::event_loop& loop, caf::actor_system& sys, const actor_directory& directory,
    const authenticator& auth, metrics::registry& registry, const std::string& node);

}  // namespace vigil::runtime
