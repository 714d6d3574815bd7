// The evaluator's core: prefetching selector data, selectors with lookback
// and staleness, subqueries, literals, unary minus and duration arithmetic.
// Windows are left-open: a selector at t sees samples in (t - lookback, t],
// a range selector those in (t - range, t].

#include <algorithm>
#include <cmath>
#include <limits>

#include "rules/promql/evaluator.hpp"

namespace vigil::promql {

namespace {

int64_t ms(duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

const expr& unwrap(const expr& e) {
  return e.is<paren>() ? unwrap(*e.as<paren>().inner) : e;
}

selected_series selected(stored_series s) {
  selected_series out{std::move(s.ls), {}, std::move(s.hours), 0};
  out.hours = out.rollups.size();
  out.rollups.insert(out.rollups.end(), s.minutes.begin(), s.minutes.end());
  out.samples.reserve(out.rollups.size() + s.samples.size());
  for (const auto& p : out.rollups) out.samples.push_back({p.last_t, p.last});
  out.samples.insert(out.samples.end(), s.samples.begin(), s.samples.end());
  return out;
}

// The window (from, to] as rollup points: those ending in it, then its raw
// samples as points of their own, each with its increase from the value
// before it. Empty when no rollup point ends in it, or when one is coarser
// than the range (which cannot be split): functions then see each point's
// last sample.
std::vector<rollup::point> rollup_window(selected_series& s, timestamp from, timestamp to,
                                         int64_t range) {
  const auto& r = s.rollups;
  s.rollup_hint = first_after(r, from, s.rollup_hint);
  s.rollup_end_hint = first_after(r, to, std::max(s.rollup_hint, s.rollup_end_hint));
  auto first = r.begin() + static_cast<ptrdiff_t>(s.rollup_hint);
  auto last = r.begin() + static_cast<ptrdiff_t>(s.rollup_end_hint);
  const bool hours = first - r.begin() < static_cast<ptrdiff_t>(s.hours);
  if (first == last || range < ms(hours ? hour_resolution : minute_resolution)) return {};
  std::vector<rollup::point> out(first, last);
  if (last != r.end()) return out;  // raw samples all come after `to`
  double prev = out.back().last;
  for (auto it = s.samples.begin() + static_cast<ptrdiff_t>(r.size());
       it != s.samples.end() && it->t <= to; ++it) {
    if (is_stale_marker(it->v)) continue;
    const double v = it->v;
    out.push_back({.t = it->t,
                   .count = 1,
                   .sum = v,
                   .min = v,
                   .max = v,
                   .last = v,
                   .increase = v >= prev ? v - prev : v,
                   .last_t = it->t});
    prev = v;
  }
  return out;
}

}  // namespace

labels without_labels(const labels& ls, const std::vector<std::string>& names, bool drop_name) {
  std::vector<label> kept;
  for (const auto& l : ls) {
    bool listed = std::find(names.begin(), names.end(), l.name) != names.end();
    if (!listed && !(drop_name && l.name == metric_name_label)) kept.push_back(l);
  }
  return labels::from_sorted(std::move(kept));
}

labels only_labels(const labels& ls, const std::vector<std::string>& names) {
  std::vector<label> kept;
  for (const auto& l : ls)
    if (std::find(names.begin(), names.end(), l.name) != names.end()) kept.push_back(l);
  return labels::from_sorted(std::move(kept));
}

labels with_label(const labels& ls, std::string_view name, std::string_view value) {
  std::vector<label> pairs;
  for (const auto& l : ls)
    if (l.name != name) pairs.push_back(l);
  if (!value.empty()) {
    auto pos = std::lower_bound(pairs.begin(), pairs.end(), name,
                                [](const label& l, std::string_view n) { return l.name < n; });
    pairs.insert(pos, label{std::string{name}, std::string{value}});
  }
  return labels::from_sorted(std::move(pairs));
}

evaluator::evaluator(queryable& q, const engine_options& options, const query_limits& limits,
                     timestamp start, timestamp end, duration step)
    : queryable_(q), options_(options), limits_(limits), start_(start), end_(end), step_(step) {}

int64_t evaluator::duration_ms(const expr& e) const {
  if (e.is<number_literal>()) return std::llround(e.as<number_literal>().value * 1000);
  if (e.is<paren>()) return duration_ms(*e.as<paren>().inner);
  if (e.is<unary>()) {
    int64_t v = duration_ms(*e.as<unary>().inner);
    return e.as<unary>().op == unary_op::minus ? -v : v;
  }
  if (!e.is<duration_expr>()) return 0;
  const auto& d = e.as<duration_expr>();
  if (d.op == duration_op::step) return ms(step_);
  int64_t r = duration_ms(*d.rhs);
  if (!d.lhs) return -r;
  int64_t l = duration_ms(*d.lhs);
  switch (d.op) {
    case duration_op::add:
      return l + r;
    case duration_op::sub:
      return l - r;
    case duration_op::mul:
      return l * r / 1000;
    case duration_op::div:
      return r == 0 ? 0 : l * 1000 / r;
    case duration_op::mod:
      return r == 0 ? 0 : l % r;
    case duration_op::pow:
      return std::llround(std::pow(double(l) / 1000, double(r) / 1000) * 1000);
    case duration_op::min:
      return std::min(l, r);
    case duration_op::max:
      return std::max(l, r);
    case duration_op::step:
      break;
  }
  return 0;
}

timestamp evaluator::at_time(const at_modifier& at, timestamp t) const {
  switch (at.what) {
    case at_modifier::kind::time:
      return at.time;
    case at_modifier::kind::start:
      return start_;
    case at_modifier::kind::end:
      return end_;
    case at_modifier::kind::none:
      break;
  }
  return t;
}

int64_t evaluator::offset_ms(const vector_selector& vs) const {
  return vs.offset_expr ? duration_ms(*vs.offset_expr) : ms(vs.offset);
}

void evaluator::widen(const expr* selector, timestamp min_t, timestamp max_t) {
  auto [it, inserted] = windows_.try_emplace(selector, fetch_window{min_t, max_t});
  if (inserted) return;
  it->second.min_t = std::min(it->second.min_t, min_t);
  it->second.max_t = std::max(it->second.max_t, max_t);
}

void evaluator::plan(const expr& e, timestamp min_t, timestamp max_t) {
  auto shifted = [&](const at_modifier& at, int64_t offset, int64_t range) {
    timestamp lo = at.is_set() ? at_time(at, min_t) : min_t;
    timestamp hi = at.is_set() ? at_time(at, max_t) : max_t;
    return fetch_window{lo - offset - range, hi - offset};
  };
  if (e.is<vector_selector>()) {
    const auto& vs = e.as<vector_selector>();
    auto w = shifted(vs.at, offset_ms(vs), ms(options_.lookback_delta));
    widen(&e, w.min_t, w.max_t);
    return;
  }
  if (e.is<matrix_selector>()) {
    const auto& m = e.as<matrix_selector>();
    const auto& vs = m.selector->as<vector_selector>();
    auto w = shifted(vs.at, offset_ms(vs), m.range_expr ? duration_ms(*m.range_expr) : ms(m.range));
    widen(m.selector.get(), w.min_t, w.max_t);
    return;
  }
  if (e.is<subquery>()) {
    const auto& sq = e.as<subquery>();
    int64_t offset = sq.offset_expr ? duration_ms(*sq.offset_expr) : ms(sq.offset);
    auto w = shifted(sq.at, offset, sq.range_expr ? duration_ms(*sq.range_expr) : ms(sq.range));
    plan(*sq.inner, w.min_t, w.max_t);
    return;
  }
  if (e.is<call>() && e.as<call>().func->name == "info") return plan_info(e, min_t, max_t);
  for (const expr* child : children(e)) plan(*child, min_t, max_t);
}

int64_t evaluator::finest_window(const expr& e, int64_t bound) const {
  if (e.is<matrix_selector>()) {
    const auto& m = e.as<matrix_selector>();
    bound = std::min(bound, m.range_expr ? duration_ms(*m.range_expr) : ms(m.range));
  }
  if (e.is<subquery>()) {
    const auto& sq = e.as<subquery>();
    int64_t step = sq.step_expr ? duration_ms(*sq.step_expr) : ms(sq.step);
    bound = std::min(bound, step > 0 ? step : ms(options_.default_subquery_step));
  }
  for (const expr* child : children(e)) bound = finest_window(*child, bound);
  return bound;
}

// The coarsest rollup tier the query may read: no coarser than its step,
// nor than any range or subquery step in it, so that every window it
// evaluates holds whole rollup windows. Instant queries (step 0) read raw
// samples wherever they exist.
duration evaluator::resolution(const expr& e) const {
  const int64_t finest = finest_window(e, ms(step_));
  for (duration r : {hour_resolution, minute_resolution})
    if (finest >= ms(r)) return r;
  return duration{0};
}

std::optional<error> evaluator::check_time() const {
  if (limits_.expired && limits_.expired())
    return error{errc::timeout, "query timed out in expression evaluation"};
  return std::nullopt;
}

std::optional<error> evaluator::prefetch(const expr& e, timestamp min_t, timestamp max_t) {
  plan(e, min_t, max_t);
  const duration res = resolution(e);
  uint64_t series = 0, samples = 0;
  for (const auto& [node, w] : windows_) {
    if (auto err = check_time()) return err;
    auto got = queryable_.select(
        node->is<call>() ? info_matchers(node->as<call>()) : node->as<vector_selector>().matchers,
        w.min_t, w.max_t, res);
    if (!got) return got.error_value();
    series += got->size();
    for (const auto& s : *got) samples += s.samples.size() + s.minutes.size() + s.hours.size();
    if (limits_.max_series && series > limits_.max_series)
      return error{errc::limit_exceeded,
                   "query processing would load too many series into "
                   "memory in query execution (limit " +
                       std::to_string(limits_.max_series) + ")"};
    if (limits_.max_samples && samples > limits_.max_samples)
      return error{errc::limit_exceeded,
                   "query processing would load too many samples into memory in query execution"};
    auto& held = data_[node];
    held.reserve(got->size());
    for (auto& s : *got) held.push_back(selected(std::move(s)));
  }
  return std::nullopt;
}

const sample* newest_sample(const std::vector<sample>& samples, timestamp ref, duration lookback,
                            size_t* hint) {
  const size_t after = first_after(samples, ref, hint ? *hint : 0);
  if (hint) *hint = after;
  auto it = samples.begin() + static_cast<ptrdiff_t>(after);
  if (it == samples.begin()) return nullptr;
  --it;
  return it->t <= ref - ms(lookback) || is_stale_marker(it->v) ? nullptr : &*it;
}

vector_value evaluator::select_instant(const vector_selector& vs, const expr* node, timestamp t) {
  timestamp ref = at_time(vs.at, t) - offset_ms(vs);
  vector_value out;
  for (auto& s : data_[node])
    if (const sample* smp = newest_sample(s.samples, ref, options_.lookback_delta, &s.sample_hint))
      out.push_back(element{s.ls, smp->v, smp->t, false});
  return out;
}

expected<windowed_matrix> evaluator::eval_subquery(const subquery& sq, timestamp t) {
  int64_t offset = sq.offset_expr ? duration_ms(*sq.offset_expr) : ms(sq.offset);
  int64_t range = sq.range_expr ? duration_ms(*sq.range_expr) : ms(sq.range);
  int64_t step = sq.step_expr ? duration_ms(*sq.step_expr) : ms(sq.step);
  if (step <= 0) step = ms(options_.default_subquery_step);
  timestamp end = at_time(sq.at, t) - offset;
  timestamp first = step * ((end - range) / step);
  if (first <= end - range) first += step;
  windowed_matrix out{{}, {}, end - range, end, std::chrono::milliseconds{range}};
  std::map<labels, size_t> index;
  for (timestamp at = first; at <= end; at += step) {
    if (auto err = check_time()) return *err;
    auto v = eval_vector(*sq.inner, at);
    if (!v) return std::move(v).error_value();
    for (auto& el : *v) {
      auto [it, fresh] = index.try_emplace(el.metric, out.series.size());
      if (fresh) out.series.push_back(series_points{el.metric, {}, el.drop_name});
      out.series[it->second].points.push_back(sample{at, el.v});
    }
  }
  return out;
}

expected<windowed_matrix> evaluator::eval_matrix(const expr& e, timestamp t) {
  const expr& u = unwrap(e);
  if (u.is<subquery>()) return eval_subquery(u.as<subquery>(), t);
  if (!u.is<matrix_selector>()) return eval_error("expected a range vector");
  const auto& m = u.as<matrix_selector>();
  const auto& vs = m.selector->as<vector_selector>();
  if (vs.anchored || vs.smoothed)
    return eval_error("the anchored and smoothed modifiers are not supported yet");
  int64_t range = m.range_expr ? duration_ms(*m.range_expr) : ms(m.range);
  timestamp end = at_time(vs.at, t) - offset_ms(vs);
  windowed_matrix out{{}, {}, end - range, end, std::chrono::milliseconds{range}};
  for (auto& s : data_[m.selector.get()]) {
    series_points sp{s.ls, {}, false};
    s.sample_hint = first_after(s.samples, end - range, s.sample_hint);
    s.window_hint = first_after(s.samples, end, std::max(s.sample_hint, s.window_hint));
    auto first = s.samples.begin() + static_cast<ptrdiff_t>(s.sample_hint);
    auto last = s.samples.begin() + static_cast<ptrdiff_t>(s.window_hint);
    for (auto it = first; it != last; ++it)
      if (!is_stale_marker(it->v)) sp.points.push_back(*it);
    auto points = s.rollups.empty() ? std::vector<rollup::point>{}
                                    : rollup_window(s, end - range, end, range);
    if (sp.points.empty() && points.empty()) continue;
    out.series.push_back(std::move(sp));
    if (points.empty()) continue;
    out.rollups.resize(out.series.size());
    out.rollups.back() = std::move(points);
  }
  return out;
}

expected<vector_value> evaluator::eval_vector(const expr& e, timestamp t) {
  auto v = eval(e, t);
  if (!v) return std::move(v).error_value();
  if (auto* vec = std::get_if<vector_value>(&*v)) return std::move(*vec);
  if (auto* s = std::get_if<scalar_value>(&*v)) return vector_value{element{{}, s->v, t, false}};
  return eval_error("expected an instant vector");
}

expected<double> evaluator::eval_scalar(const expr& e, timestamp t) {
  auto v = eval(e, t);
  if (!v) return std::move(v).error_value();
  if (auto* s = std::get_if<scalar_value>(&*v)) return s->v;
  return eval_error("expected a scalar");
}

expected<value> evaluator::eval(const expr& e, timestamp t) {
  if (e.is<number_literal>()) return value{scalar_value{e.as<number_literal>().value}};
  if (e.is<string_literal>()) return value{string_value{e.as<string_literal>().value}};
  if (e.is<paren>()) return eval(*e.as<paren>().inner, t);
  if (e.is<duration_expr>()) return value{scalar_value{double(duration_ms(e)) / 1000}};
  if (e.is<vector_selector>()) {
    const auto& vs = e.as<vector_selector>();
    if (vs.anchored || vs.smoothed)
      return eval_error("the anchored and smoothed modifiers are not supported yet");
    return value{select_instant(vs, &e, t)};
  }
  if (e.is<matrix_selector>() || e.is<subquery>()) {
    auto m = eval_matrix(e, t);
    if (!m) return std::move(m).error_value();
    return value{std::move(m->series)};
  }
  if (e.is<unary>()) {
    auto inner = eval(*e.as<unary>().inner, t);
    if (!inner || e.as<unary>().op == unary_op::plus) return inner;
    if (auto* s = std::get_if<scalar_value>(&*inner)) return value{scalar_value{-s->v}};
    auto& vec = std::get<vector_value>(*inner);
    for (auto& el : vec) {
      el.v = -el.v;
      el.drop_name = true;
    }
    return inner;
  }
  if (e.is<binary>()) return eval_binary(e.as<binary>(), t);
  if (e.is<aggregate>()) return eval_aggregate(e.as<aggregate>(), t);
  if (e.is<call>() && e.as<call>().func->name == "info") return eval_info(e, t);
  if (e.is<call>()) return eval_call(e.as<call>(), t);
  return eval_error("unsupported expression");
}

}  // namespace vigil::promql
