#pragma once

// Hand-built msgpack for push codec tests, including what no encoder
// writes (wrong types, hostile headers): mp::array(2) + mp::str("ping") + ...

#include <bit>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace mp {

inline std::string big_endian(uint64_t value, int bytes) {
  std::string out;
  for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((value >> (8 * i)) & 0xff);
  return out;
}

inline std::string array(uint32_t n) {
  if (n < 16) return std::string(1, static_cast<char>(0x90 | n));
  return "\xdd" + big_endian(n, 4);
}

inline std::string map(uint32_t n) {
  if (n < 16) return std::string(1, static_cast<char>(0x80 | n));
  return "\xdf" + big_endian(n, 4);
}

inline std::string str(std::string_view s) {
  return "\xdb" + big_endian(s.size(), 4) + std::string(s);
}

inline std::string uint(uint64_t v) {
  return "\xcf" + big_endian(v, 8);
}

inline std::string sint(int64_t v) {
  return "\xd3" + big_endian(static_cast<uint64_t>(v), 8);
}

inline std::string real(double v) {
  return "\xcb" + big_endian(std::bit_cast<uint64_t>(v), 8);
}

inline std::string nil() {
  return "\xc0";
}

/// ["write", seq, [series...]] from already encoded series.
inline std::string write(uint64_t seq, std::initializer_list<std::string> series) {
  std::string out = array(3) + str("write") + uint(seq) + array(uint32_t(series.size()));
  for (const auto& s : series) out += s;
  return out;
}

/// [{"__name__": name}, [t], [v]]
inline std::string simple_series(std::string_view name, int64_t t = 1, double v = 1) {
  return array(3) + map(1) + str("__name__") + str(name) + array(1) + sint(t) + array(1) + real(v);
}

}  // namespace mp
