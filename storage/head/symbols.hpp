#pragma once

// Interned strings: every distinct label name and value is stored once per
// head and referred to by a 32-bit id, so a series costs 8 bytes per label
// instead of two strings.
//
// Not thread-safe: owned by one shard. Strings are never released (a head
// is rebuilt from the WAL checkpoint on restart, which drops dead symbols).

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vigil::head {

using symbol = uint32_t;

class symbol_table {
 public:
  /// The id of `s`, adding it on first sight.
  symbol intern(std::string_view s);
  /// The string of an id returned by intern().
  [[nodiscard]] std::string_view text(symbol id) const { return strings_[id]; }
  [[nodiscard]] size_t size() const { return strings_.size(); }
  /// Bytes held by the strings themselves.
  [[nodiscard]] size_t string_bytes() const { return string_bytes_; }

 private:
  std::deque<std::string> strings_;  // deque: views into it stay valid
  std::unordered_map<std::string_view, symbol> ids_;
  size_t string_bytes_ = 0;
};

}  // namespace vigil::head
