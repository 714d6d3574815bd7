#pragma once

// Parameters of Prometheus-style API requests, read as Prometheus reads
// them: from the query string and, for a POST, the form body; times as
// RFC 3339 or Unix seconds, durations as "15s" or seconds; a bad one is a
// 400 `bad_data` naming the parameter.

#include <string>
#include <string_view>

#include "runtime/http/message.hpp"
#include "storage/base/duration.hpp"
#include "storage/base/expected.hpp"
#include "storage/base/sample.hpp"

namespace vigil::runtime {

/// The query string's parameters, then those of a POST's form body.
[[nodiscard]] http::param_list api_params(const http::request& req);

/// 400 bad_data: `invalid parameter "<param>": <message>`.
[[nodiscard]] http::response invalid_param(std::string_view param, std::string_view message);

/// A time: Unix seconds with an optional fraction, or RFC 3339; in ms.
[[nodiscard]] expected<timestamp> parse_api_time(std::string_view text);

/// A sample value as Prometheus writes it (Go's FormatFloat 'f', -1): the
/// shortest digits that round-trip, no exponent; "NaN", "+Inf", "-Inf".
[[nodiscard]] std::string format_api_float(double v);

/// `ms` in RFC 3339 with milliseconds, UTC ("2026-12-02T04:22:24.864Z").
[[nodiscard]] std::string format_api_time(timestamp ms);

/// A positive duration: Prometheus syntax ("15s") or seconds ("0.5").
[[nodiscard]] expected<duration> parse_api_duration(std::string_view text);

}  // namespace vigil::runtime
