// The sections without lists: `global`, `http` and `query`.

#include <algorithm>

#include "config/sections.hpp"

namespace vigil::config::detail {
namespace {

bool is_label_name(const std::string& s) {
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  return !s.empty() && alpha(s[0]) && std::all_of(s.begin(), s.end(), [&](char c) {
    return alpha(c) || (c >= '0' && c <= '9');
  });
}

void read_labels(mapping& m, std::map<std::string, std::string>& out) {
  for (const auto& [key, val] : m.entries()) {
    const std::string& name = key.node.Scalar();
    bool ok = is_label_name(name);
    if (!ok) {
      m.out().report(key, "invalid label name \"" + name + "\" (expected [a-zA-Z_][a-zA-Z0-9_]*)");
    } else if (name.starts_with("__")) {
      m.out().report(key, "label name \"" + name +
                              "\" is reserved (expected a name not starting with \"__\")");
      ok = false;
    }
    auto text = as_non_empty_string(val, m.out());
    if (ok && text) out[name] = *text;
  }
}

}  // namespace

// Reports unless lower <= upper, at `lower_key` if the file sets it (it is the
// one that reads "must be <= upper"), else at `upper_key`. Skipped when
// either key was rejected: its value is then a default, not the user's.
void check_order(mapping& m, std::string_view lower_key, duration lower, std::string_view upper_key,
                 duration upper) {
  if (lower <= upper || m.rejected(lower_key) || m.rejected(upper_key)) return;
  auto note = [&](std::string_view key) { return m.has(key) ? "" : ", the default"; };
  if (auto lo = m.field(lower_key)) {
    m.out().report(*lo, "expected a duration <= " + std::string{upper_key} + " (" +
                            format_duration(upper) + note(upper_key) + "), got " +
                            describe(lo->node));
  } else if (auto hi = m.field(upper_key)) {
    m.out().report(*hi, "expected a duration >= " + std::string{lower_key} + " (" +
                            format_duration(lower) + note(lower_key) + "), got " +
                            describe(hi->node));
  }
}

void read_global(mapping& m, global_config& out) {
  m.read("scrape_interval", out.scrape_interval, as_positive_duration);
  m.read("scrape_timeout", out.scrape_timeout, as_positive_duration);
  m.read("evaluation_interval", out.evaluation_interval, as_positive_duration);
  m.section("external_labels", [&](mapping& labels) { read_labels(labels, out.external_labels); });
  // As in Prometheus, an unset timeout never exceeds the interval.
  if (!m.has("scrape_timeout"))
    out.scrape_timeout = std::min(out.scrape_timeout, out.scrape_interval);
  else
    check_order(m, "scrape_timeout", out.scrape_timeout, "scrape_interval", out.scrape_interval);
}

void read_http(mapping& m, http_config& out) {
  m.read("read_timeout", out.read_timeout, as_positive_duration);
  m.read("idle_timeout", out.idle_timeout, as_positive_duration);
  m.read("max_header_bytes", out.max_header_bytes, integer_in<uint64_t>(1));
  m.read("max_body_bytes", out.max_body_bytes, integer_in<uint64_t>(1));
  m.read("max_connections", out.max_connections, integer_in<uint32_t>(1));
}

void read_query(mapping& m, query_config& out) {
  m.read("timeout", out.timeout, as_positive_duration);
  m.read("max_samples", out.max_samples, integer_in<uint64_t>(0));
  m.read("max_series", out.max_series, integer_in<uint64_t>(0));
  m.read("lookback_delta", out.lookback_delta, as_positive_duration);
  m.read("cache_max_bytes", out.cache_max_bytes, integer_in<uint64_t>(0));
  m.read("cache_freshness", out.cache_freshness, as_positive_duration);
  const std::pair<std::string_view, bool*> features[] = {
      {"promql-experimental-functions", &out.experimental_functions},
      {"promql-duration-expr", &out.duration_expressions}};
  auto listed = m.field("enable_features");
  if (!listed) return;
  for (const auto& item : as_list(*listed, m.out())) {
    auto name = as_string(item, m.out());
    if (!name) continue;
    auto known = std::find_if(std::begin(features), std::end(features),
                              [&](const auto& f) { return f.first == *name; });
    if (known == std::end(features))
      m.out().report(item,
                     "unknown feature \"" + *name +
                         "\" (expected promql-experimental-functions or promql-duration-expr)");
    else
      *known->second = true;
  }
}

}  // namespace vigil::config::detail
