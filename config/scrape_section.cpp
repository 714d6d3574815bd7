// `scrape_configs`: Prometheus's scrape_config, one job per entry, checked
// as Prometheus 2.42 checks it. Intervals default to `global`'s; relative
// file paths are resolved against the config file's directory but not read
// (the scrapers read secret files at every scrape, file SD watches its
// files). Relabel rules are relabel_section.cpp's, target groups
// file_sd.cpp's.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "config/sections.hpp"

namespace vigil::config::detail {
namespace {

namespace fs = std::filesystem;

std::optional<bool> as_bool(const value& v, collector& out) {
  if (v.node.IsScalar()) {
    const std::string& s = v.node.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  out.report(v, "expected true or false, got " + describe(v.node));
  return std::nullopt;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Prometheus's units.Base2Bytes: one or more <number><unit> terms, numbers
// possibly with a fraction, units B and K, M, G, T, P, E spelled KB or KiB,
// all 1024-based ("10MB" is 10 MiB, "kB" is an error). Unlike Prometheus, a
// plain integer is a number of bytes.
std::optional<uint64_t> parse_size(std::string_view s) {
  uint64_t bytes = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), bytes);
  if (!s.empty() && ec == std::errc{} && end == s.data() + s.size()) return bytes;
  if (s.empty()) return std::nullopt;
  constexpr std::string_view prefixes = "KMGTPE";
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    long double number = 0;
    bool digits = false;
    for (; i < s.size() && is_digit(s[i]); ++i, digits = true) number = number * 10 + (s[i] - '0');
    if (i < s.size() && s[i] == '.') {
      long double scale = 1;
      for (++i; i < s.size() && is_digit(s[i]); ++i, digits = true)
        number += (s[i] - '0') * (scale /= 10);
    }
    if (!digits) return std::nullopt;
    size_t j = i;
    while (j < s.size() && s[j] != '.' && !is_digit(s[j])) ++j;
    std::string_view unit = s.substr(i, j - i);
    s.remove_prefix(j);
    size_t power = 0;
    if (unit == "B") {
      power = 0;
    } else if ((unit.size() == 2 || (unit.size() == 3 && unit[1] == 'i')) && unit.back() == 'B' &&
               prefixes.find(unit[0]) != std::string_view::npos) {
      power = prefixes.find(unit[0]) + 1;
    } else {
      return std::nullopt;
    }
    total += number * std::pow(1024.0L, static_cast<long double>(power));
  }
  if (total > static_cast<long double>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return static_cast<uint64_t>(total);
}

std::optional<uint64_t> as_size(const value& v, collector& out) {
  if (v.node.IsScalar()) {
    if (auto n = parse_size(v.node.Scalar())) return n;
  }
  out.report(v,
             "expected a size in bytes like 1048576, 512KiB or 10MB (K, M, G, T, P and E are "
             "1024-based; at most 8EiB), got " +
                 describe(v.node));
  return std::nullopt;
}

std::optional<std::string> as_metrics_path(const value& v, collector& out) {
  if (v.node.IsScalar() && v.node.Scalar().starts_with('/')) return v.node.Scalar();
  out.report(v, "expected a path starting with \"/\", got " + describe(v.node));
  return std::nullopt;
}

std::optional<std::string> as_scheme(const value& v, collector& out) {
  if (v.node.IsScalar() && (v.node.Scalar() == "http" || v.node.Scalar() == "https"))
    return v.node.Scalar();
  out.report(v, "expected one of http, https, got " + describe(v.node));
  return std::nullopt;
}

// A relative path is relative to the config file's directory, as
// Prometheus's JoinDir makes it (and cleans it).
auto as_file(const fs::path& base_dir) {
  return [&base_dir](const value& v, collector& out) -> std::optional<std::string> {
    auto name = as_non_empty_string(v, out);
    if (!name) return std::nullopt;
    fs::path p{*name};
    if (p.is_relative()) p = (base_dir / p).lexically_normal();
    return p.string();
  };
}

// Prometheus's `^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$`.
bool valid_file_sd_name(std::string_view name) {
  auto star = name.find('*');
  if (star != std::string_view::npos && name.find('/', star) != std::string_view::npos)
    return false;
  for (std::string_view ext : {".json", ".yml", ".yaml", ".JSON", ".YML", ".YAML"}) {
    if (name.ends_with(ext)) return true;
  }
  return false;
}

void read_file_sd(mapping& m, scrape::file_sd& sd, const fs::path& base_dir) {
  if (auto files = m.required("files")) {
    auto items = as_list(*files, m.out());
    if (items.empty() && (files->node.IsNull() || files->node.IsSequence()))
      m.out().report(*files, "expected a non-empty list of file names");
    for (const auto& item : items) {
      auto name = as_non_empty_string(item, m.out());
      if (!name) continue;
      if (!valid_file_sd_name(*name)) {
        m.out().report(item,
                       "expected a file name ending in .json, .yml or .yaml, with \"*\" only in "
                       "its last path element, got " +
                           describe(item.node));
        continue;
      }
      if (auto path = as_file(base_dir)(item, m.out())) sd.files.push_back(std::move(*path));
    }
  }
  m.read("refresh_interval", sd.refresh_interval, as_positive_duration);
}

// Prometheus's defaults: an unset interval is global's; an unset timeout is
// global's, cut down to the interval if that is shorter.
void read_intervals(mapping& m, const global_config& global, scrape::job& j) {
  j.scrape_interval = global.scrape_interval;
  j.scrape_timeout = global.scrape_timeout;
  auto interval = m.read("scrape_interval", j.scrape_interval, as_positive_duration);
  auto timeout = m.read("scrape_timeout", j.scrape_timeout, as_positive_duration);
  if (!m.has("scrape_timeout")) {
    j.scrape_timeout = std::min(global.scrape_timeout, j.scrape_interval);
    return;
  }
  if (!timeout || m.rejected("scrape_interval") || j.scrape_timeout <= j.scrape_interval) return;
  m.out().report(*timeout,
                 "expected a duration <= scrape_interval (" + format_duration(j.scrape_interval) +
                     (interval ? "" : ", from global") + "), got " + describe(timeout->node));
}

void read_params(mapping& m, scrape::job& j) {
  for (const auto& [key, val] : m.entries()) {
    for (const auto& item : as_list(val, m.out())) {
      if (auto s = as_string(item, m.out())) j.params.emplace_back(key.node.Scalar(), *s);
    }
  }
}

void read_basic_auth(mapping& m, scrape::basic_auth& out, const fs::path& base_dir) {
  m.read("username", out.username, as_string);
  m.read("password", out.password, as_string);
  m.read("password_file", out.password_file, as_file(base_dir));
  if (m.has("password") && m.has("password_file"))
    m.out().report(*m.field("password_file"),
                   "expected either \"password\" or \"password_file\", not both");
}

void read_authorization(mapping& m, scrape::bearer_auth& out, const fs::path& base_dir) {
  if (auto type = m.field("type")) {
    std::string word = type->node.IsScalar() ? type->node.Scalar() : "-";
    word.erase(0, word.find_first_not_of(' '));
    word.erase(word.find_last_not_of(' ') + 1);
    std::transform(word.begin(), word.end(), word.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (word == "basic")
      m.out().report(*type, "expected Bearer, got " + describe(type->node) +
                                " (use basic_auth for basic authentication)");
    else if (!word.empty() && word != "bearer")
      m.out().report(*type, "expected Bearer, got " + describe(type->node) +
                                " (no other authorization type is supported)");
  }
  m.read("credentials", out.credentials, as_non_empty_string);
  m.read("credentials_file", out.credentials_file, as_file(base_dir));
  if (m.has("credentials") && m.has("credentials_file"))
    m.out().report(*m.field("credentials_file"),
                   "expected either \"credentials\" or \"credentials_file\", not both");
  else if (!m.has("credentials") && !m.has("credentials_file"))
    m.missing("\"credentials\" or \"credentials_file\"");
}

// basic_auth, authorization, bearer_token and bearer_token_file: at most one.
void read_job_auth(mapping& m, scrape::job& j, const fs::path& base_dir) {
  std::vector<std::pair<std::string_view, value>> used;
  if (auto v = m.field("basic_auth")) {
    used.emplace_back("basic_auth", *v);
    mapping b{*v, m.out()};
    read_basic_auth(b, j.basic.emplace(), base_dir);
    b.finish();
  }
  if (auto v = m.field("authorization")) {
    used.emplace_back("authorization", *v);
    mapping a{*v, m.out()};
    read_authorization(a, j.bearer.emplace(), base_dir);
    a.finish();
  }
  if (auto v = m.field("bearer_token")) {
    used.emplace_back("bearer_token", *v);
    if (auto s = as_non_empty_string(*v, m.out())) j.bearer.emplace().credentials = std::move(*s);
  }
  if (auto v = m.field("bearer_token_file")) {
    used.emplace_back("bearer_token_file", *v);
    if (auto s = as_file(base_dir)(*v, m.out()))
      j.bearer.emplace().credentials_file = std::move(*s);
  }
  std::stable_sort(used.begin(), used.end(), [](const auto& a, const auto& b) {
    return std::pair{a.second.mark.line, a.second.mark.column} <
           std::pair{b.second.mark.line, b.second.mark.column};
  });
  for (size_t i = 1; i < used.size(); ++i) {
    m.out().report(used[i].second,
                   "expected one of basic_auth, authorization, bearer_token or bearer_token_file, "
                   "not both \"" +
                       std::string{used[0].first} + "\" and \"" + std::string{used[i].first} +
                       "\"");
  }
}

void read_static_configs(mapping& m, const value& v, bool urls_allowed, scrape::job& j) {
  m.each_mapping(v, [&](mapping& g, size_t i) {
    if (g.self().node.IsNull()) {
      m.out().report(g.self(), "expected a target group (a mapping), got nothing");
      return;
    }
    scrape::target_group group;
    read_target_group(g, group);
    // Prometheus's check for URLs written as targets; relabelling may still
    // make an address out of them.
    const YAML::Node& node = g.self().node;
    if (!urls_allowed && node.IsMap() && node["targets"].IsSequence()) {
      size_t k = 0;
      for (const YAML::Node& t : node["targets"]) {
        if (t.IsScalar() && t.Scalar().find('/') != std::string::npos)
          m.out().report(t.Mark(), item_path(child_path(g.self().path, "targets"), k),
                         "expected host:port, got " + describe(t) +
                             " (a URL's scheme and path go in scheme and metrics_path)");
        ++k;
      }
    }
    group.source = std::to_string(i);
    j.static_configs.push_back(std::move(group));
  });
}

std::optional<value> read_job(mapping& m, const global_config& global, scrape::job& j,
                              const fs::path& base_dir) {
  auto name = m.read_required("job_name", j.name, as_non_empty_string);
  m.read("honor_labels", j.honor_labels, as_bool);
  m.read("honor_timestamps", j.honor_timestamps, as_bool);
  m.section("params", [&](mapping& p) { read_params(p, j); });
  read_intervals(m, global, j);
  m.read("metrics_path", j.metrics_path, as_metrics_path);
  m.read("scheme", j.scheme, as_scheme);
  m.read("body_size_limit", j.body_size_limit, as_size);
  m.read("sample_limit", j.sample_limit, integer_in<uint64_t>(0));
  m.read("label_limit", j.label_limit, integer_in<uint64_t>(0));
  m.read("label_name_length_limit", j.label_name_length_limit, integer_in<uint64_t>(0));
  m.read("label_value_length_limit", j.label_value_length_limit, integer_in<uint64_t>(0));
  read_job_auth(m, j, base_dir);
  auto relabel = m.field("relabel_configs");
  if (relabel) read_relabel_rules(*relabel, m.out(), j.relabel_configs);
  if (auto v = m.field("metric_relabel_configs"))
    read_relabel_rules(*v, m.out(), j.metric_relabel_configs);
  bool urls_allowed = relabel && relabel->node.IsSequence() && relabel->node.size() > 0;
  if (auto v = m.field("static_configs")) read_static_configs(m, *v, urls_allowed, j);
  if (auto v = m.field("file_sd_configs")) {
    m.each_mapping(*v, [&](mapping& sd, size_t) {
      if (sd.self().node.IsNull()) {
        m.out().report(sd.self(), "expected a file_sd config (a mapping), got nothing");
        return;
      }
      read_file_sd(sd, j.file_sd_configs.emplace_back(), base_dir);
    });
  }
  return name;
}

}  // namespace

void read_scrape_configs(mapping& root, const global_config& global, std::vector<scrape::job>& out,
                         const fs::path& base_dir) {
  auto jobs = root.field("scrape_configs");
  if (!jobs) return;
  unique_set names;
  root.each_mapping(*jobs, [&](mapping& m, size_t) {
    if (m.self().node.IsNull()) {
      m.out().report(m.self(), "expected a scrape job (a mapping), got nothing");
      return;
    }
    scrape::job j;
    auto name = read_job(m, global, j, base_dir);
    if (name) names.add(j.name, *name, m.out(), "duplicate job_name \"" + j.name + "\"");
    out.push_back(std::move(j));
  });
}

}  // namespace vigil::config::detail
