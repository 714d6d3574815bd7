#include "runtime/api_params.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>

namespace vigil::runtime {
namespace {

// Seconds written as a number, in milliseconds.
std::optional<int64_t> parse_seconds(std::string_view text) {
  double seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(seconds))
    return std::nullopt;
  return std::llround(seconds * 1000);
}

}  // namespace

http::param_list api_params(const http::request& req) {
  auto out = req.query_params();
  if (req.method == "POST")
    for (auto& p : http::parse_form(req.body)) out.push_back(std::move(p));
  return out;
}

http::response invalid_param(std::string_view param, std::string_view message) {
  return http::response::error(
      400, "bad_data", "invalid parameter \"" + std::string{param} + "\": " + std::string{message});
}

expected<timestamp> parse_api_time(std::string_view text) {
  auto fail = [&] {
    return error{errc::invalid_argument,
                 "cannot parse \"" + std::string{text} + "\" to a valid timestamp"};
  };
  if (auto ms = parse_seconds(text)) return *ms;
  // RFC 3339: 2006-01-02T15:04:05[.999]Z or ...+07:00.
  std::tm tm{};
  const std::string s{text};
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return fail();
  int64_t ms = 0;
  if (*rest == '.') {
    int64_t scale = 100;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest, scale /= 10) ms += (*rest - '0') * scale;
  }
  int64_t offset_s = 0;
  if (*rest == '+' || *rest == '-') {
    int hours = 0, minutes = 0;
    if (std::sscanf(rest + 1, "%2d:%2d", &hours, &minutes) != 2 || std::strlen(rest) != 6)
      return fail();
    offset_s = (*rest == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
  } else if (std::string_view{rest} != "Z") {
    return fail();
  }
  return (static_cast<int64_t>(timegm(&tm)) - offset_s) * 1000 + ms;
}

expected<duration> parse_api_duration(std::string_view text) {
  if (auto d = parse_duration(text)) return *d;
  if (auto ms = parse_seconds(text); ms && *ms > 0) return duration{*ms};
  return error{errc::invalid_argument,
               "cannot parse \"" + std::string{text} + "\" to a valid duration"};
}

std::string format_api_float(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];  // the longest fixed form of a double fits
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return ec == std::errc{} ? std::string(buf, end) : std::to_string(v);
}

std::string format_api_time(timestamp ms) {
  const std::time_t secs = ms / 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", int(ms % 1000));
  return buf;
}

}  // namespace vigil::runtime
