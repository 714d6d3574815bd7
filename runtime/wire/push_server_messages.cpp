// Decoding of the messages servers send: welcome, ack, error, pong
// (declared in push_decoder.hpp). A client cannot go on with a server
// that sends malformed messages, so every rejection here is fatal.

#include <utility>

#include "runtime/wire/push_decoder.hpp"
#include "runtime/wire/push_msgpack.hpp"

namespace vigil::wire::push {
namespace {

rejection reject(code reason, std::string message) {
  return {{std::nullopt, reason, std::move(message)}, true};
}

rejection bad(std::string_view context, const error& e) {
  return reject(code::bad_message, in(context, e).message);
}

from_server read_welcome(msgpack_span parts) {
  auto version = unsigned_int(parts[1]);
  if (!version) return bad("welcome: version", version.error_value());
  if (*version != protocol_version)
    return reject(code::unsupported_version,
                  "welcome: version " + std::to_string(*version) + " is not supported");
  if (parts[2].type != msgpack::type::MAP)
    return reject(code::bad_message,
                  "welcome: expected a map, got " + std::string(kind_of(parts[2])));
  welcome_msg out{*version, {}, 0, 0};
  int found = 0;
  for (const auto& kv : std::span{parts[2].via.map.ptr, parts[2].via.map.size}) {
    auto key = text(kv.key);
    if (!key) return bad("welcome: key", key.error_value());
    const std::string context = "welcome: " + std::string(*key);
    if (*key == "node") {
      auto node = text(kv.val);
      if (!node) return bad(context, node.error_value());
      out.node = *node;
    } else if (uint64_t* field = *key == "max_message_bytes" ? &out.max_message_bytes
                                 : *key == "max_inflight"    ? &out.max_inflight
                                                             : nullptr) {
      auto value = unsigned_int(kv.val);
      if (!value) return bad(context, value.error_value());
      *field = *value;
    } else {
      continue;  // unknown keys are for later versions
    }
    ++found;
  }
  if (found != 3)
    return reject(code::bad_message,
                  "welcome: expected \"node\", \"max_message_bytes\" and \"max_inflight\"");
  return out;
}

from_server read_ack(msgpack_span parts) {
  auto seq = unsigned_int(parts[1]);
  if (!seq) return bad("ack: seq", seq.error_value());
  const std::string context = "ack " + std::to_string(*seq);
  auto accepted = unsigned_int(parts[2]);
  if (!accepted) return bad(context + ": accepted", accepted.error_value());
  auto issues = list(parts[3]);
  if (!issues) return bad(context + ": issues", issues.error_value());
  ack_msg out{*seq, *accepted, {}};
  out.issues.reserve(issues->size());
  for (std::size_t i = 0; i < issues->size(); ++i) {
    const std::string where = context + ": issue " + std::to_string(i);
    auto fields = tuple((*issues)[i], 3);
    if (!fields) return bad(where, fields.error_value());
    auto index = unsigned_int((*fields)[0]);
    auto reason = index ? text((*fields)[1]) : expected<std::string_view>{index.error_value()};
    auto message = reason ? text((*fields)[2]) : expected<std::string_view>{reason.error_value()};
    if (!message) return bad(where, message.error_value());
    out.issues.push_back({*index, std::string(*reason), std::string(*message)});
  }
  return out;
}

from_server read_error(msgpack_span parts) {
  std::optional<uint64_t> seq;
  if (parts[1].type != msgpack::type::NIL) {
    auto number = unsigned_int(parts[1]);
    if (!number) return bad("error: seq", number.error_value());
    seq = *number;
  }
  auto name = text(parts[2]);
  if (!name) return bad("error: code", name.error_value());
  const auto reason = code_from(*name);
  if (!reason) return reject(code::bad_message, "error: unknown code " + quote_text(*name));
  auto message = text(parts[3]);
  if (!message) return bad("error: message", message.error_value());
  return error_msg{seq, *reason, std::string(*message)};
}

from_server read_pong(msgpack_span parts) {
  auto seq = unsigned_int(parts[1]);
  if (!seq) return bad("pong: seq", seq.error_value());
  return pong_msg{*seq};
}

}  // namespace

from_server read_server_message(std::string_view frame) {
  msgpack::zone zone;
  auto root = unpack_message(frame, zone);
  if (!root) return bad("message", root.error_value());
  using kind = message_kind<from_server>;
  return read_message<from_server>(*root,
                                   {kind{"ack", 4, read_ack}, kind{"pong", 2, read_pong},
                                    kind{"error", 4, read_error}, kind{"welcome", 3, read_welcome}},
                                   [](std::string_view, std::string message) -> from_server {
                                     return reject(code::bad_message, std::move(message));
                                   });
}

}  // namespace vigil::wire::push
