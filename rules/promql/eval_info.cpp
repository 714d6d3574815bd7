// info(v, selector): Prometheus 3's experimental enrichment of series with
// the data labels of info series (target_info by default) that share their
// identifying labels, instance and job. An info series counts at a step
// if it has a sample in the lookback window, the newest one when several
// share a name and identifying labels. The second argument picks the info
// metrics by __name__ and the data labels by the other matchers; a series
// that gets no data label is dropped if a matcher needs a value.
//
// The info series are read before evaluation with the selector's matchers
// (candidates for every identifying value) over the window the first
// argument's first selector reads, shifted by its offset and @ as in
// Prometheus; each step keeps those whose identifying values occur among
// the step's series.

#include <algorithm>
#include <map>
#include <set>

#include "rules/promql/evaluator.hpp"
#include "rules/promql/literals.hpp"

namespace vigil::promql {

namespace {

const std::vector<std::string> identifying = {"instance", "job"};

// The first vector selector of `e`, depth first.
const vector_selector* first_selector(const expr& e) {
  if (e.is<vector_selector>()) return &e.as<vector_selector>();
  for (const expr* child : children(e))
    if (const auto* vs = first_selector(*child)) return vs;
  return nullptr;
}

// Prometheus's Labels.String(): every label, __name__ too, inside braces.
std::string all_labels(const labels& ls) {
  std::string out = "{";
  for (const auto& l : ls) out += (out.size() > 1 ? ", " : "") + l.name + "=" + quote(l.value);
  return out + "}";
}

// Which series an info series stands for: its name and identifying labels.
labels signature(std::string_view info_name, const labels& ls) {
  return with_label(only_labels(ls, identifying), metric_name_label, info_name);
}

}  // namespace

std::vector<index::matcher> info_matchers(const call& c) {
  std::vector<index::matcher> out;
  if (c.args.size() > 1) out = c.args[1]->as<vector_selector>().matchers;
  if (std::none_of(out.begin(), out.end(),
                   [](const index::matcher& m) { return m.name() == metric_name_label; }))
    out.push_back(*index::matcher::make(index::match_op::equal, std::string{metric_name_label},
                                        "target_info"));
  return out;
}

void evaluator::plan_info(const expr& e, timestamp min_t, timestamp max_t) {
  const auto& c = e.as<call>();
  plan(*c.args[0], min_t, max_t);
  const vector_selector* first = first_selector(*c.args[0]);
  int64_t offset = first ? offset_ms(*first) : 0;
  if (first && first->at.is_set()) min_t = max_t = at_time(first->at, min_t);
  int64_t lookback =
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.lookback_delta).count();
  widen(&e, min_t - lookback + 1 - offset, max_t - offset);
}

expected<value> evaluator::eval_info(const expr& e, timestamp t) {
  const auto& c = e.as<call>();
  auto base = eval_vector(*c.args[0], t);
  if (!base) return std::move(base).error_value();
  std::vector<index::matcher> names, data;
  for (auto& m : info_matchers(c)) (m.name() == metric_name_label ? names : data).push_back(m);
  auto is_info = [&](const element& el) {
    return std::any_of(names.begin(), names.end(),
                       [&](const index::matcher& m) { return m.matches(el.metric.metric_name()); });
  };

  // The identifying values of the series to enrich; info series need one
  // of them for every identifying label that has any.
  std::map<std::string, std::set<std::string>> wanted;
  for (const auto& el : *base)
    for (const auto& name : identifying)
      if (auto v = el.metric.get(name); !v.empty() && !is_info(el)) wanted[name].emplace(v);
  auto relevant = [&](const labels& ls) {
    return !wanted.empty() && std::all_of(wanted.begin(), wanted.end(), [&](const auto& w) {
      return w.second.contains(std::string{ls.get(w.first)});
    });
  };

  // The newest info sample per signature.
  struct info_sample {
    const labels* metric;
    timestamp t;
  };
  std::map<labels, info_sample> infos;
  std::set<std::string> info_names;
  for (const auto& s : data_[&e]) {
    if (!relevant(s.ls)) continue;
    std::string name{s.ls.metric_name()};
    info_names.insert(name);
    const sample* smp = newest_sample(s.samples, t, options_.lookback_delta);
    if (!smp) continue;
    auto [it, fresh] = infos.try_emplace(signature(name, s.ls), info_sample{&s.ls, smp->t});
    if (fresh || it->second.t > smp->t) continue;
    if (it->second.t == smp->t)
      return eval_error("found duplicate series for info metric: existing " +
                        all_labels(*it->second.metric) + " @ " + std::to_string(smp->t) + ", new " +
                        all_labels(s.ls) + " @ " + std::to_string(smp->t));
    it->second = info_sample{&s.ls, smp->t};
  }

  bool needs_data =
      std::any_of(data.begin(), data.end(), [](const index::matcher& m) { return !m.matches(""); });
  auto is_data_label = [&](const std::string& name) {
    return data.empty() || std::any_of(data.begin(), data.end(),
                                       [&](const index::matcher& m) { return m.name() == name; });
  };
  vector_value out;
  for (auto& el : *base) {
    if (is_info(el)) {
      out.push_back(std::move(el));
      continue;
    }
    std::map<std::string, std::string> added;
    for (const auto& name : info_names) {
      auto it = infos.find(signature(name, el.metric));
      if (it == infos.end()) continue;
      for (const auto& l : *it->second.metric) {
        if (l.name == metric_name_label || !is_data_label(l.name)) continue;
        if (auto [a, fresh] = added.try_emplace(l.name, l.value); !fresh && a->second != l.value)
          return eval_error("conflicting label: " + l.name);
        if (!el.metric.get(l.name).empty()) added.erase(l.name);  // the series' own label wins
      }
    }
    if (added.empty() && needs_data) continue;
    for (const auto& [name, v] : added) el.metric = with_label(el.metric, name, v);
    out.push_back(std::move(el));
  }
  return value{std::move(out)};
}

}  // namespace vigil::promql
