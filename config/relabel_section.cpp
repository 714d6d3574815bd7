// relabel_configs and metric_relabel_configs entries. Fields are checked one
// by one here; the rules between fields (hashmod needs a modulus, replace a
// target_label, ...) are scrape::check's, so config and engine agree.

#include "config/sections.hpp"

namespace vigil::config::detail {
namespace {

using scrape::relabel_action;

std::string invalid_label_name(const std::string& name) {
  return "invalid label name \"" + name + "\" (expected [a-zA-Z_][a-zA-Z0-9_]*)";
}

std::optional<std::vector<std::string>> as_label_names(const value& v, collector& out) {
  auto items = as_list(v, out);
  if (!v.node.IsNull() && !v.node.IsSequence()) return std::nullopt;
  std::vector<std::string> names;
  bool ok = true;
  for (const auto& item : items) {
    auto name = as_string(item, out);
    if (name && !valid_label_name(*name)) {
      out.report(item, invalid_label_name(*name));
      name.reset();
    }
    if (name)
      names.push_back(std::move(*name));
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return names;
}

std::optional<scrape::relabel_regex> as_regex(const value& v, collector& out) {
  auto pattern = as_string(v, out);
  if (!pattern) return std::nullopt;
  auto re = scrape::relabel_regex::compile(*pattern);
  if (!re) {
    out.report(v, re.error_value().message);
    return std::nullopt;
  }
  return std::move(*re);
}

// Case does not matter, as in Prometheus ("Replace" is replace).
std::optional<relabel_action> as_action(const value& v, collector& out) {
  if (v.node.IsScalar()) {
    if (auto a = scrape::parse_relabel_action(v.node.Scalar())) return a;
  }
  std::string names;
  for (auto a : {relabel_action::replace, relabel_action::keep, relabel_action::drop,
                 relabel_action::keepequal, relabel_action::dropequal, relabel_action::hashmod,
                 relabel_action::labelmap, relabel_action::labeldrop, relabel_action::labelkeep,
                 relabel_action::lowercase, relabel_action::uppercase}) {
    names += names.empty() ? "" : ", ";
    names += to_string(a);
  }
  out.report(v, "expected one of " + names + ", got " + describe(v.node));
  return std::nullopt;
}

void read_rule(mapping& m, scrape::relabel_rule& rule) {
  if (!m.is_mapping()) return;
  size_t before = m.out().size();
  m.read("source_labels", rule.source_labels, as_label_names);
  m.read("separator", rule.separator, as_string);
  m.read("regex", rule.regex, as_regex);
  m.read("target_label", rule.target_label, as_string);
  m.read("replacement", rule.replacement, as_string);
  m.read("modulus", rule.modulus, integer_in<uint64_t>(0));
  m.read("action", rule.action, as_action);
  // The combination only means something once every field is the user's.
  if (m.out().size() != before) return;
  if (auto problem = scrape::check(rule)) m.out().report(m.self(), std::move(*problem));
}

}  // namespace

void read_relabel_rules(const value& v, collector& out, std::vector<scrape::relabel_rule>& rules) {
  for (auto& item : as_list(v, out)) {
    if (item.node.IsNull()) {
      out.report(item, "expected a relabel rule (a mapping), got nothing");
      continue;
    }
    mapping m{std::move(item), out};
    scrape::relabel_rule rule;
    read_rule(m, rule);
    m.finish();
    rules.push_back(std::move(rule));
  }
}

}  // namespace vigil::config::detail
