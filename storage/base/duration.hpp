#pragma once

// Durations in Prometheus syntax: one or more `<integer><unit>` terms with
// units from largest to smallest, each at most once: y (365d), w, d, h, m, s,
// ms. Examples: "15s", "1h30m", "7d", "1y", "500ms". PromQL and the config
// loader share this grammar.

#include <chrono>
#include <string>
#include <string_view>

#include "storage/base/expected.hpp"

namespace vigil {

using duration = std::chrono::milliseconds;

/// Parses a Prometheus duration. Errors say which character was unexpected.
[[nodiscard]] expected<duration> parse_duration(std::string_view text);

/// Formats a duration the way Prometheus prints it ("1h30m", "0s").
[[nodiscard]] std::string format_duration(duration d);

}  // namespace vigil
