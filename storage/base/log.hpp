#pragma once

// Structured logging in logfmt, one line per event on stderr:
//   ts=2026-11-25T14:00:00.123Z level=info component=http msg="listening" addr=127.0.0.1:9470
// CAF's own logger is compiled out of Debian's build, so everything logs
// through here. It sits in storage/base so actors can log; engines do not
// (they return what happened, and their callers log it). Thread-safe: each line is formatted first
// and written with a single write(2).

#include <concepts>
#include <initializer_list>
#include <string>
#include <string_view>

#include "storage/base/expected.hpp"

namespace vigil::log {

enum class level { debug, info, warn, error };

/// Parses "debug", "info", "warn" or "error".
[[nodiscard]] expected<level> parse_level(std::string_view text);
/// "debug", "info", "warn" or "error".
[[nodiscard]] std::string_view to_string(level l);

/// Lines below `min` are dropped. Default: info.
void set_level(level min);
[[nodiscard]] bool enabled(level l);

/// A key and its already formatted value.
struct field {
  std::string_view key;
  std::string value;

  field(std::string_view k, std::string_view v) : key(k), value(v) {}
  field(std::string_view k, const char* v) : key(k), value(v) {}
  field(std::string_view k, const std::string& v) : key(k), value(v) {}
  field(std::string_view k, std::integral auto v) : key(k), value(std::to_string(v)) {}
  field(std::string_view k, double v);
};

/// Writes one line if `l` is enabled. Values are quoted when they need it.
void write(level l, std::string_view component, std::string_view msg,
           std::initializer_list<field> fields = {});

inline void debug(std::string_view component, std::string_view msg,
                  std::initializer_list<field> fields = {}) {
  if (enabled(level::debug)) write(level::debug, component, msg, fields);
}
inline void info(std::string_view component, std::string_view msg,
                 std::initializer_list<field> fields = {}) {
  write(level::info, component, msg, fields);
}
inline void warn(std::string_view component, std::string_view msg,
                 std::initializer_list<field> fields = {}) {
  write(level::warn, component, msg, fields);
}
inline void error(std::string_view component, std::string_view msg,
                  std::initializer_list<field> fields = {}) {
  write(level::error, component, msg, fields);
}

/// Formats one line without the trailing newline (exposed for tests).
[[nodiscard]] std::string format_line(std::string_view timestamp, level l,
                                      std::string_view component, std::string_view msg,
                                      std::initializer_list<field> fields);

}  // namespace vigil::log
