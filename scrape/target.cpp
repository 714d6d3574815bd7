#include "scrape/target.hpp"

// Each group address is populated, relabelled and checked on its own, so one
// bad address costs one error line, not the job. Messages after the
// `source: "address": ` prefix are Prometheus's, so they can be searched for.

#include <map>
#include <set>

#include "storage/base/utf8.hpp"

namespace vigil::scrape {
namespace {

constexpr std::string_view address_label = "__address__";
constexpr std::string_view scheme_label = "__scheme__";
constexpr std::string_view metrics_path_label = "__metrics_path__";
constexpr std::string_view interval_label = "__scrape_interval__";
constexpr std::string_view timeout_label = "__scrape_timeout__";
constexpr std::string_view param_prefix = "__param_";
constexpr std::string_view meta_prefix = "__meta_";
constexpr std::string_view reserved_prefix = "__";

std::string_view get(const std::vector<label>& ls, std::string_view name) {
  for (const auto& l : ls)
    if (l.name == name) return l.value;
  return {};
}

void set(std::vector<label>& ls, std::string_view name, std::string_view value) {
  for (auto& l : ls) {
    if (l.name == name) {
      l.value = value;
      return;
    }
  }
  ls.push_back(label{std::string{name}, std::string{value}});
}

// Go's %q, which Prometheus's messages use: invalid UTF-8 shows as \xNN.
std::string quoted(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  while (!s.empty()) {
    char32_t c;
    size_t n = decode_utf8(s, c);
    unsigned char b = static_cast<unsigned char>(s[0]);
    if (n == 0 || (n == 1 && (b < 0x20 || b == 0x7f))) {
      if (b == '\n')
        out += "\\n";
      else if (b == '\t')
        out += "\\t";
      else
        out += {'\\', 'x', hex[b >> 4], hex[b & 15]};
      s.remove_prefix(1);
      continue;
    }
    if (b == '"' || b == '\\') out += '\\';
    out.append(s.substr(0, n));
    s.remove_prefix(n);
  }
  return out + '"';
}

error fail(std::string message) {
  return error{errc::invalid_argument, std::move(message)};
}

// Go's url.URL.String() escaping: which bytes stay as they are in each part.
bool unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}
bool host_byte(unsigned char c) {
  return unreserved(c) || std::string_view{"!$&'()*+,;=:[]<>\""}.find(static_cast<char>(c)) !=
                              std::string_view::npos;
}
bool path_byte(unsigned char c) {
  return unreserved(c) ||
         std::string_view{"$&+,/:;=@"}.find(static_cast<char>(c)) != std::string_view::npos;
}

template <class Keep>
void escape(std::string& out, std::string_view s, Keep keep, bool space_plus = false) {
  static constexpr char hex[] = "0123456789ABCDEF";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (keep(c))
      out += ch;
    else if (space_plus && c == ' ')
      out += '+';
    else
      out += {'%', hex[c >> 4], hex[c & 15]};
  }
}

// scheme://address/path?query as Prometheus's Target.URL() builds it: the
// job's params, with each __param_<name> label replacing the first value of
// <name>; names sorted, as Go's url.Values.Encode() does.
std::string target_url(const std::vector<label>& ls, const job& j) {
  std::map<std::string, std::vector<std::string>, std::less<>> params;
  for (const auto& [name, value] : j.params) params[name].push_back(value);
  for (const auto& l : ls) {
    if (!l.name.starts_with(param_prefix)) continue;
    auto& values = params[l.name.substr(param_prefix.size())];
    if (values.empty())
      values.push_back(l.value);
    else
      values[0] = l.value;
  }
  std::string url{get(ls, scheme_label)};
  url += "://";
  escape(url, get(ls, address_label), host_byte);
  auto path = get(ls, metrics_path_label);
  if (!path.empty() && path[0] != '/') url += '/';
  escape(url, path, path_byte);
  char sep = '?';
  for (const auto& [name, values] : params) {
    for (const auto& value : values) {
      url += sep;
      sep = '&';
      escape(url, name, unreserved, true);
      url += '=';
      escape(url, value, unreserved, true);
    }
  }
  return url;
}

expected<duration> label_duration(const std::vector<label>& ls, std::string_view name,
                                  std::string_view what) {
  auto d = parse_duration(get(ls, name));
  if (!d) return fail("error parsing scrape " + std::string{what} + ": " + d.error_value().message);
  if (d->count() == 0) return fail("scrape " + std::string{what} + " cannot be 0");
  return *d;
}

// Steps 3 and 4 of target.hpp on a relabelled set, in Prometheus's order of
// checks.
expected<target> finish(const std::vector<label>& ls, const job& j) {
  std::string address{get(ls, address_label)};
  if (address.empty()) return fail("no address");
  if (address.find('/') != std::string::npos)
    return fail(quoted(address) + " is not a valid hostname");
  auto interval = label_duration(ls, interval_label, "interval");
  if (!interval) return std::move(interval).error_value();
  auto timeout = label_duration(ls, timeout_label, "timeout");
  if (!timeout) return std::move(timeout).error_value();
  if (*timeout > *interval)
    return fail("scrape timeout cannot be greater than scrape interval (" +
                quoted(get(ls, timeout_label)) + " > " + quoted(get(ls, interval_label)) + ")");

  std::vector<label> kept;
  for (const auto& l : ls) {
    // Prometheus checks every label the target keeps internally, which is
    // all but the __meta_ ones.
    if (!l.name.starts_with(meta_prefix) && !valid_utf8(l.value))
      return fail("invalid label value for " + quoted(l.name) + ": " + quoted(l.value));
    if (!l.name.starts_with(reserved_prefix)) kept.push_back(l);
  }
  if (get(kept, "instance").empty()) set(kept, "instance", address);
  auto target_labels = labels::from(std::move(kept));
  if (!target_labels) return std::move(target_labels).error_value();

  target t;
  t.target_labels = std::move(*target_labels);
  t.url = target_url(ls, j);
  t.interval = *interval;
  t.timeout = *timeout;
  return t;
}

// Step 1: the group's labels, the address, the job's defaults.
std::vector<label> discovered(const target_group& g, const std::string& address, const job& j) {
  std::vector<label> ls = g.labels;
  set(ls, address_label, address);  // the target's own label wins over the group's
  const std::pair<std::string_view, std::string> defaults[] = {
      {"job", j.name},
      {interval_label, format_duration(j.scrape_interval)},
      {timeout_label, format_duration(j.scrape_timeout)},
      {metrics_path_label, j.metrics_path},
      {scheme_label, j.scheme},
  };
  for (const auto& [name, value] : defaults)
    if (get(ls, name).empty()) set(ls, name, value);
  // Unlike the defaults, params override what the group set, as in
  // Prometheus. A param whose name cannot be in a label name (Prometheus
  // would carry the invalid label) is only in the URL.
  std::set<std::string_view> seen;
  for (const auto& [name, value] : j.params) {
    std::string param = std::string{param_prefix} + name;
    if (seen.insert(name).second && valid_label_name(param)) set(ls, param, value);
  }
  return ls;
}

}  // namespace

target_set build_targets(const job& j, std::span<const target_group> groups) {
  target_set out;
  std::set<labels> active_labels;
  for (const auto& g : groups) {
    for (const auto& address : g.targets) {
      auto report = [&](const error& e) {
        out.errors.push_back(g.source + ": " + quoted(address) + ": " + e.message);
      };
      auto disc = labels::from(discovered(g, address, j));
      if (!disc) {
        report(disc.error_value());
        continue;
      }
      std::vector<label> ls = disc->pairs();
      if (!relabel(ls, j.relabel_configs)) {
        out.dropped.push_back(dropped_target{std::move(*disc)});
        continue;
      }
      auto t = finish(ls, j);
      if (!t) {
        report(t.error_value());
        continue;
      }
      if (!active_labels.insert(t->target_labels).second) continue;
      t->discovered_labels = std::move(*disc);
      out.active.push_back(std::move(*t));
    }
  }
  return out;
}

}  // namespace vigil::scrape
