// histogram_quantile() and histogram_fraction() over classic histograms: series are grouped by
// their labels without `le`, buckets sorted and merged by upper bound,
// counts forced monotonic (tiny float noise ignored), and the quantile
// interpolated linearly inside the bucket holding its rank, exactly as
// Prometheus's BucketQuantile. Buckets without a number in `le` and forced
// monotonicity are noted as Prometheus notes them.

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "rules/promql/eval_functions.hpp"
#include "rules/promql/literals.hpp"

namespace vigil::promql {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

struct bucket {
  double upper;
  double count;
};

bool nearly_equal(double a, double b, double epsilon) {
  if (a == b) return true;
  double sum = std::abs(a) + std::abs(b);
  return std::abs(a - b) / std::min(sum, std::numeric_limits<double>::max()) < epsilon;
}

// Buckets sorted by upper bound with equal bounds merged; empty unless
// the last bound is +Inf.
std::vector<bucket> coalesced(std::vector<bucket> buckets) {
  std::sort(buckets.begin(), buckets.end(),
            [](const bucket& a, const bucket& b) { return a.upper < b.upper; });
  if (buckets.empty() || !std::isinf(buckets.back().upper)) return {};
  std::vector<bucket> merged;
  for (const auto& b : buckets) {
    if (!merged.empty() && merged.back().upper == b.upper)
      merged.back().count += b.count;
    else
      merged.push_back(b);
  }
  return merged;
}

// The quantile and whether a count had to be raised to keep the counts
// monotonic (not for noise, nor when there is no quantile to compute).
std::pair<double, bool> bucket_quantile(double q, const std::vector<bucket>& buckets) {
  if (std::isnan(q)) return {nan, false};
  if (q < 0) return {-INFINITY, false};
  if (q > 1) return {INFINITY, false};
  std::vector<bucket> merged = coalesced(buckets);
  if (merged.empty()) return {nan, false};
  bool forced = false;
  for (size_t i = 1, prev = 0; i < merged.size(); ++i) {
    double p = merged[prev].count;
    if (merged[i].count == p) continue;
    bool noise = nearly_equal(p, merged[i].count, 1e-12);
    if (noise || merged[i].count < p) {
      forced = forced || !noise;
      merged[i].count = p;
      continue;
    }
    prev = i;
  }
  if (merged.size() < 2) return {nan, false};
  double observations = merged.back().count;
  if (observations == 0) return {nan, false};
  double rank = q * observations;
  size_t b = 0;
  while (b < merged.size() - 1 && merged[b].count < rank) ++b;
  if (b == merged.size() - 1) return {merged[b - 1].upper, forced};
  if (b == 0 && merged[0].upper <= 0) return {merged[0].upper, forced};
  double start = 0, count = merged[b].count;
  if (b > 0) {
    start = merged[b - 1].upper;
    count -= merged[b - 1].count;
    rank -= merged[b - 1].count;
  }
  return {start + (merged[b].upper - start) * (rank / count), forced};
}

// The fraction of observations between lower and upper, interpolating
// linearly inside buckets (not inside the infinite ones).
double bucket_fraction(double lower, double upper, const std::vector<bucket>& buckets) {
  std::vector<bucket> merged = coalesced(buckets);
  if (merged.empty()) return nan;
  double count = merged.back().count;
  if (count == 0 || std::isnan(lower) || std::isnan(upper)) return nan;
  if (lower >= upper) return 0;
  double rank = 0, lower_rank = 0, upper_rank = 0;
  bool lower_set = false, upper_set = false;
  double lower_bound = merged[0].upper <= 0 ? -INFINITY : 0;
  for (size_t i = 0; i < merged.size() && !(lower_set && upper_set); ++i) {
    if (i > 0) lower_bound = merged[i - 1].upper;
    double upper_bound = merged[i].upper, c = merged[i].count;
    auto interpolate = [&](double v) {
      if (std::isinf(lower_bound)) return c;
      return rank + (c - rank) * (v - lower_bound) / (upper_bound - lower_bound);
    };
    if (!lower_set && lower_bound >= lower) std::tie(lower_rank, lower_set) = std::pair{rank, true};
    if (!upper_set && lower_bound >= upper) std::tie(upper_rank, upper_set) = std::pair{rank, true};
    if (lower_set && upper_set) break;
    if (!lower_set && lower_bound < lower && upper_bound > lower)
      std::tie(lower_rank, lower_set) = std::pair{interpolate(lower), true};
    if (!upper_set && lower_bound < upper && upper_bound > upper)
      std::tie(upper_rank, upper_set) = std::pair{interpolate(upper), true};
    rank = c;
  }
  if (!lower_set || lower_rank > count) lower_rank = count;
  if (!upper_set || upper_rank > count) upper_rank = count;
  return (upper_rank - lower_rank) / count;
}

// Groups classic buckets by series (labels without `le`) and folds each;
// `fold` returns the value and whether it forced monotonicity.
template <class Fold>
vector_value per_histogram(const vector_value& in, timestamp t, annotations& notes, Fold fold) {
  std::map<labels, std::vector<bucket>> groups;
  std::vector<labels> order;
  for (const auto& el : in) {
    auto le = parse_number(el.metric.get("le"));
    if (!le) {
      notes.warn("bucket label \"le\" is missing or has a malformed value of " +
                 quote(el.metric.get("le")) + for_metric_name(el.metric.metric_name()));
      continue;
    }
    labels key = without_labels(el.metric, {"le"}, false);
    auto [it, fresh] = groups.try_emplace(key);
    if (fresh) order.push_back(key);
    it->second.push_back(bucket{*le, el.v});
  }
  vector_value out;
  for (const auto& key : order) {
    auto [v, forced] = fold(groups[key]);
    if (forced)
      notes.info(
          "input to histogram_quantile needed to be fixed for monotonicity (see "
          "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)" +
          for_metric_name(key.metric_name()));
    out.push_back(element{key, v, t, true});
  }
  return out;
}

}  // namespace

vector_value histogram_quantile(double q, const vector_value& in, timestamp t, annotations& notes) {
  if (!(q >= 0 && q <= 1)) notes.warn(invalid_quantile(q));
  return per_histogram(in, t, notes,
                       [q](const std::vector<bucket>& b) { return bucket_quantile(q, b); });
}

vector_value histogram_fraction(double lower, double upper, const vector_value& in, timestamp t,
                                annotations& notes) {
  return per_histogram(in, t, notes, [&](const std::vector<bucket>& b) {
    return std::pair{bucket_fraction(lower, upper, b), false};
  });
}

}  // namespace vigil::promql
