#pragma once

// Internal to the push codec's .cpp files: reading msgpack-cxx objects
// without exceptions. Each helper checks a value's type and returns
// expected<T> whose error says what was expected and what came
// ("expected an array of 3 elements, got a map"); callers prefix where.
// Views point into the message bytes (objects reference them, never copy).

#include <functional>
#include <msgpack.hpp>
#include <span>
#include <string>
#include <string_view>

#include "storage/base/expected.hpp"

namespace vigil::wire::push {

using msgpack_span = std::span<const msgpack::object>;

/// Unpacks one framed message into `zone`; strings reference `frame`.
[[nodiscard]] expected<msgpack::object> unpack_message(std::string_view frame, msgpack::zone& zone);

/// "an integer", "a map", ... for error messages.
[[nodiscard]] std::string_view kind_of(const msgpack::object& o) noexcept;

/// An array of exactly `size` elements.
[[nodiscard]] expected<msgpack_span> tuple(const msgpack::object& o, uint32_t size);
/// An array of any size.
[[nodiscard]] expected<msgpack_span> list(const msgpack::object& o);
/// A string, checked to be UTF-8.
[[nodiscard]] expected<std::string_view> text(const msgpack::object& o);
/// A string, not checked (label content is checked per series).
[[nodiscard]] expected<std::string_view> raw_text(const msgpack::object& o);
[[nodiscard]] expected<uint64_t> unsigned_int(const msgpack::object& o);
[[nodiscard]] expected<int64_t> signed_int(const msgpack::object& o);
/// A float or an integer, as a double.
[[nodiscard]] expected<double> number(const msgpack::object& o);

/// `s` in double quotes for a message: cut to 64 bytes (at a character
/// boundary), or a placeholder when it is not UTF-8, so that messages
/// stay valid msgpack strings.
[[nodiscard]] std::string quote_text(std::string_view s);

/// "<context>: <e.message>".
[[nodiscard]] error in(std::string_view context, const error& e);

/// A message type, its element count and its reader.
template <class Result>
struct message_kind {
  std::string_view name;
  uint32_t size;
  std::function<Result(msgpack_span)> read;
};

/// Reads `root` as one of `kinds`, by the type name in its first element.
/// A message of no kind, or of a kind with the wrong element count, becomes
/// `refuse(type, message)`; `type` is "" when it could not be read.
template <class Result, class Refuse>
Result read_message(const msgpack::object& root, std::initializer_list<message_kind<Result>> kinds,
                    Refuse refuse) {
  auto all = list(root);
  if (!all || all->empty() || (*all)[0].type != msgpack::type::STR)
    return refuse("", "message: expected an array starting with the message type, got " +
                          std::string(all && all->empty() ? "an empty array" : kind_of(root)));
  const auto type = *raw_text((*all)[0]);
  for (const auto& k : kinds) {
    if (type != k.name) continue;
    auto parts = tuple(root, k.size);
    if (!parts) return refuse(type, in(type, parts.error_value()).message);
    return k.read(*parts);
  }
  return refuse("", "unknown message type " + quote_text(type));
}

}  // namespace vigil::wire::push
