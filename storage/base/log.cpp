#include "storage/base/log.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace vigil::log {
namespace {

std::atomic<level> min_level{level::info};

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v)
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) return true;
  return false;
}

void append_value(std::string& out, std::string_view v) {
  if (!needs_quotes(v)) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  out += '"';
}

void append_pair(std::string& out, std::string_view key, std::string_view value) {
  out += ' ';
  out += key;
  out += '=';
  append_value(out, value);
}

std::string now_rfc3339() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

std::string_view to_string(level l) {
  switch (l) {
    case level::debug:
      return "debug";
    case level::info:
      return "info";
    case level::warn:
      return "warn";
    case level::error:
      return "error";
  }
  return "unknown";
}

expected<level> parse_level(std::string_view text) {
  for (level l : {level::debug, level::info, level::warn, level::error})
    if (text == to_string(l)) return l;
  return vigil::error{errc::invalid_argument, "unknown log level \"" + std::string{text} +
                                                  "\" (expected debug, info, warn or error)"};
}

void set_level(level min) {
  min_level.store(min, std::memory_order_relaxed);
}

bool enabled(level l) {
  return l >= min_level.load(std::memory_order_relaxed);
}

field::field(std::string_view k, double v) : key(k) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  value = buf;
}

std::string format_line(std::string_view timestamp, level l, std::string_view component,
                        std::string_view msg, std::initializer_list<field> fields) {
  std::string out = "ts=";
  out += timestamp;
  append_pair(out, "level", to_string(l));
  append_pair(out, "component", component);
  append_pair(out, "msg", msg);
  for (const auto& f : fields) append_pair(out, f.key, f.value);
  return out;
}

void write(level l, std::string_view component, std::string_view msg,
           std::initializer_list<field> fields) {
  if (!enabled(l)) return;
  std::string line = format_line(now_rfc3339(), l, component, msg, fields);
  line += '\n';
  // One write(2) per line keeps lines whole across threads without a lock.
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace vigil::log
