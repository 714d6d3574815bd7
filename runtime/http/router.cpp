#include "runtime/http/router.hpp"

#include <algorithm>
#include <set>

namespace vigil::http {

namespace {

// "/a/<b>/c" -> {"a", "<b>", "c"}; "/" -> {""}. Patterns and paths split
// the same way, so a trailing slash is a segment of its own.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    const auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

}  // namespace

void router::add(std::string method, std::string pattern, std::string name, handler fn) {
  route r{std::move(method), std::move(pattern), std::move(name), {}, std::move(fn)};
  for (std::string_view part : split_path(r.pattern)) {
    const bool param = part.size() > 2 && part.front() == '<' && part.back() == '>';
    r.segments.push_back({std::string(param ? part.substr(1, part.size() - 2) : part), param});
  }
  for (auto& existing : routes_) {
    if (existing.method == r.method && existing.pattern == r.pattern) {
      existing = std::move(r);
      return;
    }
  }
  routes_.push_back(std::move(r));
}

bool router::path_matches(const route& r, const std::vector<std::string_view>& parts) {
  if (r.segments.size() != parts.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const segment& s = r.segments[i];
    if (s.param ? parts[i].empty() : s.text != parts[i]) return false;
  }
  return true;
}

bool router::more_specific(const route& a, const route& b) {
  for (std::size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i)
    if (a.segments[i].param != b.segments[i].param) return !a.segments[i].param;
  return false;
}

route_match router::match(std::string_view method, std::string_view path) const {
  const auto parts = split_path(path);
  const route* best = nullptr;
  const route* best_get = nullptr;  // HEAD falls back to GET routes
  std::set<std::string> allowed;
  for (const route& r : routes_) {
    if (!path_matches(r, parts)) continue;
    allowed.insert(r.method);
    if (r.method == method && (!best || more_specific(r, *best))) best = &r;
    if (method == "HEAD" && r.method == "GET" && (!best_get || more_specific(r, *best_get)))
      best_get = &r;
  }
  if (!best) best = best_get;

  route_match m;
  m.name = unmatched_handler_name;
  if (!best) {
    if (allowed.empty()) return m;
    if (allowed.count("GET")) allowed.insert("HEAD");
    m.status = 405;
    for (const auto& a : allowed) m.allow += (m.allow.empty() ? "" : ", ") + a;
    return m;
  }
  m.status = 200;
  m.fn = &best->fn;
  m.name = best->name;
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (best->segments[i].param) m.params.emplace(best->segments[i].text, std::string(parts[i]));
  return m;
}

std::vector<std::string> router::handler_names() const {
  std::vector<std::string> names;
  for (const route& r : routes_)
    if (std::find(names.begin(), names.end(), r.name) == names.end()) names.push_back(r.name);
  names.emplace_back(unmatched_handler_name);
  return names;
}

}  // namespace vigil::http
