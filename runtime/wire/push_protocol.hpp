#pragma once

// The vocabulary of vigil's msgpack push protocol, version 1
// (docs/protocol.md): limits, codes and one plain struct per message.
//
// A connection carries msgpack arrays back to back. Clients send hello,
// write and ping; the server answers welcome, ack, error and pong. The
// codec is split in three units that share these types:
//
// - push_encoder.hpp writes any message (both directions);
// - push_framer.hpp finds message boundaries in a byte stream and enforces
//   max_message_bytes without buffering beyond it;
// - push_decoder.hpp turns framed bytes into these structs, on the server
//   (client messages) and on the client (server messages).
//
// Decoding never throws and never aborts: a message that cannot be taken
// becomes a `rejection`, the error message the server sends back.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "storage/shard/shard_engine.hpp"

namespace vigil::wire::push {

/// The protocol version hello and welcome carry.
inline constexpr uint64_t protocol_version = 1;
/// The largest encoded message a server takes unless configured otherwise.
inline constexpr std::size_t default_max_message_bytes = std::size_t{4} << 20;
/// Unacknowledged writes per connection unless configured otherwise.
inline constexpr uint64_t default_max_inflight = 16;
/// The deepest nesting of arrays and maps in any message (a write needs 4).
inline constexpr std::size_t max_nesting = 8;

/// Error codes of error messages and of ack issues, sent as their names.
enum class code : uint8_t {
  unauthorized,         ///< hello: the token was refused (fatal)
  unsupported_version,  ///< hello: a version other than 1 (fatal)
  bad_message,          ///< not a valid message of this protocol
  too_large,            ///< a message over max_message_bytes (fatal)
  invalid_labels,       ///< ack issue: the series' labels are invalid
  out_of_order,         ///< ack issue: samples older than the series' newest
  duplicate,            ///< ack issue: a timestamp stored with another value
  limit_exceeded,       ///< ack issue or error: a configured limit was reached
  out_of_bounds,        ///< ack issue: timestamps beyond ±2^62 ms
  overloaded,           ///< error: the node cannot take the write now; retry
  internal,             ///< error: a server bug or storage failure
};

/// The name sent on the wire ("too_large").
[[nodiscard]] std::string_view to_string(code c) noexcept;
/// The code named `name`, or nullopt.
[[nodiscard]] std::optional<code> code_from(std::string_view name) noexcept;

/// client → server, first message: ["hello", version, {"token", "client"}].
struct hello_msg {
  uint64_t version = protocol_version;
  std::string token;
  std::string client;  ///< free text naming the client, for logs
};

/// A series a write decoded by its labels although a series cache was
/// consulted (push_series_cache.hpp): what the cache needs to remember it
/// once storage has returned its ref.
struct uncached_series {
  std::size_t index = 0;    ///< into write_msg::series
  std::string key;          ///< its series_cache key
  uint64_t label_hash = 0;  ///< labels::hash() of its labels
};

/// client → server: ["write", seq, [[labels, timestamps, values], …]].
/// Encoding uses `seq` and `series`; decoding also fills `positions` and
/// `issues`, and `uncached` when decoding with a series cache.
struct write_msg {
  uint64_t seq = 0;
  /// The series whose labels are valid, in the client's order; with a
  /// cache, those it knows are by ref (empty labels).
  std::vector<series_write> series;
  /// positions[i]: the index of series[i] in the client's list, for ack
  /// issues (the engine's issues index `series`).
  std::vector<std::size_t> positions;
  /// Series left out of `series` (invalid_labels), by client index.
  std::vector<write_issue> issues;
  /// The series of `series` decoded by labels while a cache was consulted.
  std::vector<uncached_series> uncached;
};

/// client → server: ["ping", seq].
struct ping_msg {
  uint64_t seq = 0;
};

/// server → client, reply to hello:
/// ["welcome", version, {"node", "max_message_bytes", "max_inflight"}].
struct welcome_msg {
  uint64_t version = protocol_version;
  std::string node;
  uint64_t max_message_bytes = default_max_message_bytes;
  uint64_t max_inflight = default_max_inflight;
};

/// server → client, once a write's accepted samples are durable:
/// ["ack", seq, accepted_samples, [[series_index, code, message], …]].
struct ack_msg {
  uint64_t seq = 0;
  uint64_t accepted = 0;
  std::vector<write_issue> issues;  ///< series_index: the client's index
};

/// server → client, a message that could not be taken at all:
/// ["error", seq or nil, code, message].
struct error_msg {
  std::optional<uint64_t> seq;  ///< of the write or ping, when it could be read
  code reason = code::bad_message;
  std::string message;

  friend bool operator==(const error_msg&, const error_msg&) = default;
};

/// server → client: ["pong", seq].
struct pong_msg {
  uint64_t seq = 0;
};

/// A message the decoder could not take: the error to send back, and
/// whether the stream can go on (false after a framing error: a message
/// too large, a byte that is not msgpack, nesting too deep).
struct rejection {
  error_msg reply;
  bool fatal = false;
};

/// What a server reads from a client.
using from_client = std::variant<hello_msg, write_msg, ping_msg, rejection>;
/// What a client reads from a server.
using from_server = std::variant<welcome_msg, ack_msg, error_msg, pong_msg, rejection>;

}  // namespace vigil::wire::push
