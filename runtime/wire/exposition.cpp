#include "runtime/wire/exposition.hpp"

#include <array>
#include <utility>

namespace vigil::wire {
namespace {

constexpr std::array<std::pair<std::string_view, metric_type>, 8> openmetrics_types{{
    {"unknown", metric_type::unknown},
    {"counter", metric_type::counter},
    {"gauge", metric_type::gauge},
    {"histogram", metric_type::histogram},
    {"gaugehistogram", metric_type::gauge_histogram},
    {"summary", metric_type::summary},
    {"info", metric_type::info},
    {"stateset", metric_type::stateset},
}};

bool lower_equal(std::string_view a, std::string_view lower) noexcept {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

exposition_format format_from_content_type(std::string_view content_type) noexcept {
  auto media_type = trim(content_type.substr(0, content_type.find(';')));
  return lower_equal(media_type, "application/openmetrics-text")
             ? exposition_format::openmetrics
             : exposition_format::prometheus_text;
}

std::string_view to_string(metric_type type) noexcept {
  for (const auto& [name, t] : openmetrics_types)
    if (t == type) return name;
  return "unknown";
}

std::optional<metric_type> parse_metric_type(std::string_view word,
                                             exposition_format format) noexcept {
  if (format == exposition_format::openmetrics) {
    for (const auto& [name, t] : openmetrics_types)
      if (name == word) return t;
    return std::nullopt;
  }
  if (word == "counter") return metric_type::counter;
  if (word == "gauge") return metric_type::gauge;
  if (word == "histogram") return metric_type::histogram;
  if (word == "summary") return metric_type::summary;
  if (word == "untyped") return metric_type::unknown;
  return std::nullopt;
}

}  // namespace vigil::wire
