// Functions over range vectors: rate/increase/delta with Prometheus's
// extrapolation towards the window's edges, irate/idelta from the last two
// points, and the *_over_time family. Each yields one element per input
// series; only last_over_time and first_over_time keep the metric name.
// Over a window that rollup points cover, the functions a point's
// aggregates answer use them; the rest see each point's last sample
// (docs/promql.md says which are exact).

#include <algorithm>
#include <cmath>
#include <limits>

#include "rules/promql/eval_functions.hpp"
#include "rules/promql/kahan.hpp"
#include "rules/promql/literals.hpp"

namespace vigil::promql {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// rate(), increase() and delta(): the change over the points, corrected
// for counter resets, extrapolated to the window's edges unless the series
// seems to start or end inside it.
std::optional<double> extrapolated(const windowed_matrix& m, const std::vector<sample>& p,
                                   bool counter, bool rate) {
  if (p.size() < 2) return std::nullopt;
  double result = p.back().v - p.front().v;
  if (counter)
    for (size_t i = 1; i < p.size(); ++i)
      if (p[i].v < p[i - 1].v) result += p[i - 1].v;
  double to_start = double(p.front().t - m.range_start) / 1000;
  double to_end = double(m.range_end - p.back().t) / 1000;
  double sampled = double(p.back().t - p.front().t) / 1000;
  double average = sampled / double(p.size() - 1);
  double threshold = average * 1.1;
  if (to_start >= threshold) to_start = average / 2;
  if (counter && result > 0 && p.front().v >= 0)
    to_start = std::min(to_start, sampled * (p.front().v / result));
  if (to_end >= threshold) to_end = average / 2;
  double factor = (sampled + to_start + to_end) / sampled;
  if (rate)
    factor /= double(std::chrono::duration_cast<std::chrono::milliseconds>(m.range).count()) / 1000;
  return result * factor;
}

std::optional<double> instant_change(const std::vector<sample>& p, bool rate) {
  if (p.size() < 2) return std::nullopt;
  const sample& last = p.back();
  const sample& prev = p[p.size() - 2];
  double result = rate && last.v < prev.v ? last.v : last.v - prev.v;
  if (!rate) return result;
  if (last.t == prev.t) return std::nullopt;
  return result / (double(last.t - prev.t) / 1000);
}

double sum_of(const std::vector<sample>& p) {
  kahan_sum k;
  for (const auto& s : p) k.add(s.v);
  return k.value();
}

double mean_of(const std::vector<sample>& p) {
  mean_accumulator m;
  for (const auto& s : p) m.add(s.v);
  return m.value();
}

double variance_of(const std::vector<sample>& p) {
  double mean = 0, m2 = 0, n = 0;
  for (const auto& s : p) {
    n += 1;
    double delta = s.v - mean;
    mean += delta / n;
    m2 += delta * (s.v - mean);
  }
  return m2 / n;
}

// Least-squares slope and intercept at `at` (seconds relative to it).
std::pair<double, double> linear_fit(const std::vector<sample>& p, timestamp at) {
  double n = 0, sx = 0, sy = 0, sxy = 0, sx2 = 0;
  for (const auto& s : p) {
    double x = double(s.t - at) / 1000;
    n += 1;
    sx += x;
    sy += s.v;
    sxy += x * s.v;
    sx2 += x * x;
  }
  double cov = sxy - sx * sy / n;
  double var = sx2 - sx * sx / n;
  double slope = cov / var;
  return {slope, sy / n - slope * sx / n};
}

// Holt's linear smoothing with factors sf and tf, both in (0, 1).
std::optional<double> smoothed(const std::vector<sample>& p, double sf, double tf) {
  if (p.size() < 2 || !(sf > 0 && sf < 1) || !(tf > 0 && tf < 1)) return std::nullopt;
  double s0 = 0, s1 = p[0].v, trend = p[1].v - p[0].v;
  for (size_t i = 1; i < p.size(); ++i) {
    if (i > 1) trend = tf * (s1 - s0) + (1 - tf) * trend;
    double next = sf * p[i].v + (1 - sf) * (s1 + trend);
    s0 = s1;
    s1 = next;
  }
  return s1;
}

std::optional<double> over_time(std::string_view name, const std::vector<sample>& p,
                                const std::vector<double>& args, timestamp t) {
  if (name == "sum_over_time") return sum_of(p);
  if (name == "avg_over_time") return mean_of(p);
  if (name == "count_over_time") return double(p.size());
  if (name == "last_over_time") return p.back().v;
  if (name == "first_over_time") return p.front().v;
  if (name == "present_over_time") return 1.0;
  if (name == "stdvar_over_time") return variance_of(p);
  if (name == "stddev_over_time") return std::sqrt(variance_of(p));
  if (name == "min_over_time" || name == "max_over_time") {
    bool max = name == "max_over_time";
    double r = p.front().v;
    for (const auto& s : p)
      if ((max ? r < s.v : r > s.v) || std::isnan(r)) r = s.v;
    return r;
  }
  if (name == "ts_of_min_over_time" || name == "ts_of_max_over_time") {
    bool max = name == "ts_of_max_over_time";
    sample best = p.front();
    for (const auto& s : p)
      if ((max ? s.v >= best.v : s.v <= best.v) || std::isnan(best.v)) best = s;
    return double(best.t) / 1000;
  }
  if (name == "ts_of_first_over_time") return double(p.front().t) / 1000;
  if (name == "ts_of_last_over_time") return double(p.back().t) / 1000;
  if (name == "mad_over_time") {
    std::vector<double> values;
    for (const auto& s : p) values.push_back(s.v);
    if (std::any_of(values.begin(), values.end(), [](double v) { return std::isnan(v); }))
      return nan;
    double median = quantile_of(0.5, values);
    for (double& v : values) v = std::abs(v - median);
    return quantile_of(0.5, values);
  }
  if (name == "double_exponential_smoothing") return smoothed(p, args.at(0), args.at(1));
  if (name == "quantile_over_time") {
    std::vector<double> values;
    for (const auto& s : p) values.push_back(s.v);
    return quantile_of(args.at(0), values);
  }
  if (name == "changes" || name == "resets") {
    double n = 0;
    for (size_t i = 1; i < p.size(); ++i) {
      bool changed = p[i].v != p[i - 1].v && !(std::isnan(p[i].v) && std::isnan(p[i - 1].v));
      n += name == "changes" ? changed : p[i].v < p[i - 1].v;
    }
    return n;
  }
  if (name == "deriv")
    return p.size() < 2 ? std::nullopt : std::optional{linear_fit(p, p.front().t).first};
  if (name == "predict_linear") {
    if (p.size() < 2) return std::nullopt;
    auto [slope, intercept] = linear_fit(p, t);
    return intercept + slope * args.at(0);
  }
  return nan;
}

// Whether the aggregates of rollup points answer `name` (over_rollups).
bool rollups_answer(std::string_view name) {
  static constexpr std::string_view names[] = {"rate",
                                               "increase",
                                               "sum_over_time",
                                               "avg_over_time",
                                               "count_over_time",
                                               "min_over_time",
                                               "max_over_time",
                                               "last_over_time",
                                               "ts_of_last_over_time",
                                               "present_over_time"};
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

// `name` over a window held as rollup points. rate() and increase() add
// the points' increases, which reach back to the sample before the window
// instead of extrapolating.
double over_rollups(std::string_view name, const windowed_matrix& m,
                    const std::vector<rollup::point>& p) {
  if (name == "rate" || name == "increase") {
    kahan_sum k;
    for (const auto& x : p) k.add(x.increase);
    if (name == "increase") return k.value();
    return k.value() /
           (double(std::chrono::duration_cast<std::chrono::milliseconds>(m.range).count()) / 1000);
  }
  if (name == "sum_over_time" || name == "avg_over_time" || name == "count_over_time") {
    kahan_sum k;
    uint64_t count = 0;
    for (const auto& x : p) {
      k.add(x.sum);
      count += x.count;
    }
    if (name == "count_over_time") return double(count);
    return name == "sum_over_time" ? k.value() : k.value() / double(count);
  }
  if (name == "min_over_time" || name == "max_over_time") {
    const bool max = name == "max_over_time";
    double r = max ? p.front().max : p.front().min;
    for (const auto& x : p) {
      const double v = max ? x.max : x.min;
      if ((max ? r < v : r > v) || std::isnan(r)) r = v;
    }
    return r;
  }
  if (name == "last_over_time") return p.back().last;
  if (name == "ts_of_last_over_time") return double(p.back().last_t) / 1000;
  return 1.0;  // present_over_time
}

// Whether rate() and increase() may take `name` for a counter's: Prometheus
// only doubts named series.
bool looks_like_counter(std::string_view name) {
  return name.empty() || name.ends_with("_total") || name.ends_with("_sum") ||
         name.ends_with("_count") || name.ends_with("_bucket");
}

}  // namespace

bool is_range_function(std::string_view name) {
  static constexpr std::string_view names[] = {"rate",
                                               "increase",
                                               "delta",
                                               "irate",
                                               "idelta",
                                               "deriv",
                                               "predict_linear",
                                               "changes",
                                               "resets",
                                               "sum_over_time",
                                               "avg_over_time",
                                               "count_over_time",
                                               "last_over_time",
                                               "first_over_time",
                                               "present_over_time",
                                               "stdvar_over_time",
                                               "stddev_over_time",
                                               "min_over_time",
                                               "max_over_time",
                                               "quantile_over_time",
                                               "ts_of_min_over_time",
                                               "ts_of_max_over_time",
                                               "ts_of_first_over_time",
                                               "ts_of_last_over_time",
                                               "mad_over_time",
                                               "double_exponential_smoothing"};
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

vector_value range_function(std::string_view name, const windowed_matrix& m,
                            const std::vector<double>& args, timestamp t, annotations& notes) {
  vector_value out;
  bool keep_name = name == "last_over_time" || name == "first_over_time";
  for (size_t i = 0; i < m.series.size(); ++i) {
    const auto& s = m.series[i];
    const auto& p = s.points;
    const bool summed = i < m.rollups.size() && !m.rollups[i].empty() && rollups_answer(name);
    if (p.empty() && !summed) continue;
    std::optional<double> v;
    if (summed)
      v = over_rollups(name, m, m.rollups[i]);
    else if (name == "rate" || name == "increase" || name == "delta")
      v = extrapolated(m, p, name != "delta", name == "rate");
    else if (name == "irate" || name == "idelta")
      v = instant_change(p, name == "irate");
    else
      v = over_time(name, p, args, t);
    if (name == "quantile_over_time" && !(args[0] >= 0 && args[0] <= 1))
      notes.warn(invalid_quantile(args[0]));
    if (!v) continue;
    if ((name == "rate" || name == "increase") && !looks_like_counter(s.metric.metric_name()))
      notes.info(
          "metric might not be a counter, name does not end in "
          "_total/_sum/_count/_bucket: " +
          quote(s.metric.metric_name()));
    out.push_back(element{s.metric, *v, t, !keep_name || s.drop_name});
  }
  return out;
}

}  // namespace vigil::promql
