// Query entry points: prefetch data for the query's whole window, evaluate
// at one time or at every step, then apply delayed name removal and reject
// results holding the same label set twice.

#include "rules/promql/engine.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "rules/promql/evaluator.hpp"

namespace vigil::promql {

namespace {

// The labels a series loses with its name: __name__ and the type and unit
// metadata labels.
labels without_metadata(const labels& ls) {
  static const std::vector<std::string> metadata{"__name__", "__type__", "__unit__"};
  return without_labels(ls, metadata, true);
}

// Runs the once-per-query checks and hands out the annotations.
std::optional<error> finish(evaluator& ev, annotations* notes) {
  auto found = ev.finish();
  if (!found) return std::move(found).error_value();
  if (notes) *notes = std::move(*found);
  return std::nullopt;
}

// Removes the name (and metadata) where flagged and stamps every element
// with the evaluation time; fails if two elements end up equal.
expected<vector_value> cleanup(vector_value v, timestamp t) {
  std::set<labels> seen;
  for (auto& el : v) {
    if (el.drop_name) el.metric = without_metadata(el.metric);
    el.drop_name = false;
    el.t = t;
    if (!seen.insert(el.metric).second)
      return eval_error("vector cannot contain metrics with the same labelset");
  }
  return v;
}

}  // namespace

expected<value> engine::eval_instant(queryable& q, const expr& e, timestamp t,
                                     const query_limits& limits, annotations* notes) const {
  evaluator ev{q, options_, limits, t, t, duration{0}};
  if (auto err = ev.prefetch(e, t, t)) return *err;
  auto v = ev.eval(e, t);
  if (!v) return v;
  if (auto err = finish(ev, notes)) return *err;
  if (auto* vec = std::get_if<vector_value>(&*v)) {
    auto cleaned = cleanup(std::move(*vec), t);
    if (!cleaned) return std::move(cleaned).error_value();
    return value{std::move(*cleaned)};
  }
  if (auto* mat = std::get_if<matrix_value>(&*v)) {
    for (auto& s : *mat)
      if (s.drop_name) s.metric = without_metadata(s.metric);
  }
  return v;
}

expected<matrix_value> engine::eval_range(queryable& q, const expr& e, timestamp start,
                                          timestamp end, duration step, const query_limits& limits,
                                          annotations* notes) const {
  auto type = e.type();
  if (type != value_type::scalar && type != value_type::vector)
    return eval_error("invalid expression type \"" + std::string{documented_name(type)} +
                      "\" for range query, must be Scalar or instant Vector");
  int64_t step_ms = std::chrono::duration_cast<std::chrono::milliseconds>(step).count();
  if (step_ms <= 0)
    return eval_error("zero or negative query resolution step widths are not accepted");
  evaluator ev{q, options_, limits, start, end, step};
  if (auto err = ev.prefetch(e, start, end)) return *err;
  matrix_value out;
  std::map<labels, size_t> index;
  for (timestamp t = start; t <= end; t += step_ms) {
    if (auto err = ev.check_time()) return *err;
    auto v = ev.eval_vector(e, t);
    if (!v) return std::move(v).error_value();
    auto cleaned = cleanup(std::move(*v), t);
    if (!cleaned) return std::move(cleaned).error_value();
    for (auto& el : *cleaned) {
      auto [it, fresh] = index.try_emplace(el.metric, out.size());
      if (fresh) out.push_back(series_points{el.metric, {}, false});
      out[it->second].points.push_back(sample{t, el.v});
    }
  }
  if (auto err = finish(ev, notes)) return *err;
  // As Prometheus orders a range query's series.
  std::sort(out.begin(), out.end(),
            [](const series_points& a, const series_points& b) { return a.metric < b.metric; });
  return out;
}

}  // namespace vigil::promql
