#pragma once

// Internal to the push codec's .cpp files: reading msgpack-cxx objects
// without exceptions. Each helper checks a value's type and returns
// expected<T> whose error says what was expected and what came
// ("expected an array of 3 elements, got a map"); callers prefix where.
// Views point into the message bytes (objects reference them, never copy).

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

}  // namespace vigil::wire::push
