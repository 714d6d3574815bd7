#pragma once

// Encodes push protocol messages (docs/protocol.md), both directions:
// each function appends one msgpack message to `out`, so a connection can
// batch several into one send. Integers take their shortest msgpack form,
// floats are float64 and strings str: the bytes Python's msgpack.packb
// writes for the same values (tests compare them byte for byte).
//
// Strings are written as given; messages the codec builds itself are valid
// UTF-8, callers keep theirs so. Thread-safe (no state).

#include <span>
#include <string>

#include "runtime/wire/push_protocol.hpp"

namespace vigil::wire::push {

/// ["hello", version, {"token": token, "client": client}]
void encode(const hello_msg& m, std::string& out);
/// ["write", seq, [[labels, timestamps, values], …]] from `seq` and
/// `series` (positions and issues are decoding results, not sent).
/// Labels are written in their (sorted) order.
void encode(const write_msg& m, std::string& out);
/// The same from a seq and series the caller keeps (a client's batch).
void encode_write(uint64_t seq, std::span<const series_write> series, std::string& out);
/// ["ping", seq]
void encode(const ping_msg& m, std::string& out);
/// ["welcome", version, {"node", "max_message_bytes", "max_inflight"}]
void encode(const welcome_msg& m, std::string& out);
/// ["ack", seq, accepted, [[series_index, code, message], …]]
void encode(const ack_msg& m, std::string& out);
/// ["error", seq or nil, code, message]
void encode(const error_msg& m, std::string& out);
/// ["pong", seq]
void encode(const pong_msg& m, std::string& out);

}  // namespace vigil::wire::push
