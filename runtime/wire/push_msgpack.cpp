#include "runtime/wire/push_msgpack.hpp"

#include <limits>

#include "runtime/wire/push_protocol.hpp"
#include "storage/base/utf8.hpp"

namespace vigil::wire::push {
namespace {

using msgpack::type::object_type;

error mismatch(std::string expected, const msgpack::object& got) {
  return {errc::parse_error,
          "expected " + std::move(expected) + ", got " + std::string(kind_of(got))};
}

// Strings, binaries and extensions point into the frame instead of being copied.
bool reference_all(object_type, std::size_t, void*) {
  return true;
}

}  // namespace

expected<msgpack::object> unpack_message(std::string_view frame, msgpack::zone& zone) {
  // The framer has checked sizes and nesting already; these limits are a
  // second guard against over-allocation.
  const std::size_t n = frame.size();
  const msgpack::unpack_limit limits{n, n, n, n, n, max_nesting + 1};
  std::size_t offset = 0;
  try {
    return msgpack::unpack(zone, frame.data(), n, offset, reference_all, nullptr, limits);
  } catch (const std::exception& e) {
    return error{errc::parse_error, std::string("not a msgpack value: ") + e.what()};
  }
}

std::string_view kind_of(const msgpack::object& o) noexcept {
  switch (o.type) {
    case object_type::NIL:
      return "nil";
    case object_type::BOOLEAN:
      return "a boolean";
    case object_type::POSITIVE_INTEGER:
    case object_type::NEGATIVE_INTEGER:
      return "an integer";
    case object_type::FLOAT32:
    case object_type::FLOAT64:
      return "a float";
    case object_type::STR:
      return "a string";
    case object_type::BIN:
      return "binary data";
    case object_type::ARRAY:
      return "an array";
    case object_type::MAP:
      return "a map";
    default:
      return "an extension";
  }
}

expected<msgpack_span> tuple(const msgpack::object& o, uint32_t size) {
  const std::string want = "an array of " + std::to_string(size) + " elements";
  if (o.type != object_type::ARRAY) return mismatch(want, o);
  if (o.via.array.size != size)
    return error{errc::parse_error,
                 "expected " + want + ", got " + std::to_string(o.via.array.size)};
  return msgpack_span{o.via.array.ptr, size};
}

expected<msgpack_span> list(const msgpack::object& o) {
  if (o.type != object_type::ARRAY) return mismatch("an array", o);
  return msgpack_span{o.via.array.ptr, o.via.array.size};
}

expected<std::string_view> raw_text(const msgpack::object& o) {
  if (o.type != object_type::STR) return mismatch("a string", o);
  return std::string_view{o.via.str.ptr, o.via.str.size};
}

expected<std::string_view> text(const msgpack::object& o) {
  auto s = raw_text(o);
  if (s && !valid_utf8(*s)) return error{errc::parse_error, "string is not valid UTF-8"};
  return s;
}

expected<uint64_t> unsigned_int(const msgpack::object& o) {
  if (o.type != object_type::POSITIVE_INTEGER) return mismatch("an unsigned integer", o);
  return o.via.u64;
}

expected<int64_t> signed_int(const msgpack::object& o) {
  if (o.type == object_type::NEGATIVE_INTEGER) return o.via.i64;
  if (o.type != object_type::POSITIVE_INTEGER) return mismatch("an integer", o);
  if (o.via.u64 > uint64_t(std::numeric_limits<int64_t>::max()))
    return error{errc::parse_error, std::to_string(o.via.u64) + " does not fit in an int64"};
  return int64_t(o.via.u64);
}

expected<double> number(const msgpack::object& o) {
  switch (o.type) {
    case object_type::FLOAT32:
    case object_type::FLOAT64:
      return o.via.f64;
    case object_type::POSITIVE_INTEGER:
      return double(o.via.u64);
    case object_type::NEGATIVE_INTEGER:
      return double(o.via.i64);
    default:
      return mismatch("a number", o);
  }
}

std::string quote_text(std::string_view s) {
  if (!valid_utf8(s)) return "(a string that is not valid UTF-8)";
  constexpr std::size_t max_shown = 64;
  if (s.size() <= max_shown) return "\"" + std::string(s) + "\"";
  std::size_t cut = max_shown;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
  return "\"" + std::string(s.substr(0, cut)) + "\"...";
}

error in(std::string_view context, const error& e) {
  return {e.code, std::string(context) + ": " + e.message};
}

}  // namespace vigil::wire::push
