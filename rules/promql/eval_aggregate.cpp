// Aggregation operators. Series are grouped by the `by` labels or by all
// labels but the `without` ones (and __name__); each group folds its values
// the way Prometheus does: Kahan sums, Welford variance, NaN-tolerant
// min/max, topk/bottomk/limitk/limit_ratio keeping whole input series,
// quantile interpolating between ranks, count_values adding the value as a
// label.

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "rules/promql/eval_functions.hpp"
#include "rules/promql/kahan.hpp"
#include "rules/promql/literals.hpp"

namespace vigil::promql {

double quantile_of(double phi, std::vector<double>& values) {
  if (values.empty() || std::isnan(phi)) return std::numeric_limits<double>::quiet_NaN();
  if (phi < 0) return -std::numeric_limits<double>::infinity();
  if (phi > 1) return std::numeric_limits<double>::infinity();
  std::sort(values.begin(), values.end(), [](double a, double b) {
    return std::isnan(a) ? !std::isnan(b) : a < b;  // NaN first, as Go sorts
  });
  double rank = phi * double(values.size() - 1);
  auto lower = size_t(std::max(0.0, std::floor(rank)));
  size_t upper = std::min(values.size() - 1, lower + 1);
  double weight = rank - std::floor(rank);
  return values[lower] * (1 - weight) + values[upper] * weight;
}

std::string invalid_quantile(double q) {
  return "quantile value should be between 0 and 1, got " + format_g(q);
}

namespace {

// int64's bounds as float64s, where Prometheus rejects a k.
constexpr double max_int64 = 9223372036854775807.0;
constexpr double min_int64 = -9223372036854775808.0;

struct group {
  labels metric;
  std::vector<const element*> members;
  bool drop_name = false;  // a member's name was to go (matters for by(__name__))
};

double sum_of(const std::vector<const element*>& members) {
  kahan_sum k;
  for (const auto* el : members) k.add(el->v);
  return k.value();
}

double mean_of(const std::vector<const element*>& members) {
  mean_accumulator m;
  for (const auto* el : members) m.add(el->v);
  return m.value();
}

double variance(const std::vector<const element*>& members) {
  double mean = 0, m2 = 0, n = 0;
  for (const auto* el : members) {
    n += 1;
    double delta = el->v - mean;
    mean += delta / n;
    m2 += delta * (el->v - mean);
  }
  return m2 / n;
}

double fold(aggregate_op op, const std::vector<const element*>& members) {
  switch (op) {
    case aggregate_op::sum:
      return sum_of(members);
    case aggregate_op::avg:
      return mean_of(members);
    case aggregate_op::count:
      return double(members.size());
    case aggregate_op::group:
      return 1;
    case aggregate_op::stdvar:
      return variance(members);
    case aggregate_op::stddev:
      return std::sqrt(variance(members));
    case aggregate_op::min:
    case aggregate_op::max: {
      double r = members.front()->v;
      for (const auto* el : members) {
        bool better = op == aggregate_op::max ? r < el->v : r > el->v;
        if (better || std::isnan(r)) r = el->v;
      }
      return r;
    }
    default:
      return 0;
  }
}

// Prometheus 3's labels.Hash() (its default stringlabels build): XXH64 of
// every name and value, each preceded by its length (one byte below 255,
// else 255 and three bytes little-endian).
uint64_t prometheus_hash(const labels& ls) {
  std::string data;
  auto append = [&data](const std::string& s) {
    if (s.size() < 255) {
      data += char(s.size());
    } else {
      data += char(255);
      for (int shift : {0, 8, 16}) data += char((s.size() >> shift) & 0xff);
    }
    data += s;
  };
  for (const auto& l : ls) {
    append(l.name);
    append(l.value);
  }
  return XXH64(data.data(), data.size(), 0);
}

// limit_ratio's deterministic sampling: a series' offset in [0, 1] is its
// label hash over the largest hash; a ratio r >= 0 keeps offsets in [0, r),
// r < 0 those in [1 + r, 1], so r and r - 1 (0.2 and -0.8) split the series.
bool in_ratio(const labels& ls, double r) {
  double offset = double(prometheus_hash(ls)) / double(std::numeric_limits<uint64_t>::max());
  return r >= 0 ? offset < r : offset >= 1 + r;
}

// The members topk, bottomk, limitk and limit_ratio keep: the k best (NaN
// last), the first k as they came, or those the ratio samples.
vector_value select_members(const aggregate& a, const group& g, double param, timestamp t) {
  auto members = g.members;
  if (a.op == aggregate_op::limit_ratio) {
    std::erase_if(members, [r = std::clamp(param, -1.0, 1.0)](const element* el) {
      return !in_ratio(el->metric, r);
    });
  } else {
    bool top = a.op == aggregate_op::topk;
    auto better = [top](const element* x, const element* y) {
      if (std::isnan(x->v)) return false;
      if (std::isnan(y->v)) return true;
      return top ? x->v > y->v : x->v < y->v;
    };
    if (a.op != aggregate_op::limitk) std::stable_sort(members.begin(), members.end(), better);
    members.resize(param >= double(members.size()) ? members.size() : size_t(std::max(0.0, param)));
  }
  vector_value out;
  for (const auto* m : members) out.push_back(element{m->metric, m->v, t, m->drop_name});
  return out;
}

}  // namespace

expected<value> evaluator::eval_aggregate(const aggregate& a, timestamp t) {
  double param = 0;
  std::string label_param;
  if (a.param && a.op == aggregate_op::count_values) {
    auto s = eval(*a.param, t);
    if (!s) return s;
    label_param = std::get<string_value>(*s).v;
    if (!valid_label_name(label_param))
      return eval_error("invalid label name " + quote(label_param));
  } else if (a.param) {
    auto s = eval_scalar(*a.param, t);
    if (!s) return std::move(s).error_value();
    param = *s;
    auto& b = params_[&a];
    b.nan = b.nan || std::isnan(param);
    b.min = std::min(b.min, param);
    b.max = std::max(b.max, param);
  }
  auto input = eval_vector(*a.inner, t);
  if (!input) return std::move(input).error_value();
  bool k_param =
      a.op == aggregate_op::topk || a.op == aggregate_op::bottomk || a.op == aggregate_op::limitk;
  if (k_param && std::isnan(param)) return eval_error("Parameter value is NaN");
  if (k_param && param >= max_int64)
    return eval_error("Scalar value " + format_g(param) + " overflows int64");
  if (a.op == aggregate_op::limit_ratio && std::isnan(param))
    return eval_error("Ratio value is NaN");
  std::map<labels, group> groups;
  std::vector<labels> order;
  for (const auto& el : *input) {
    labels key = a.without ? without_labels(el.metric, a.grouping, true)
                           : only_labels(el.metric, a.grouping);
    auto [it, fresh] = groups.try_emplace(key, group{key, {}});
    if (fresh) order.push_back(key);
    it->second.members.push_back(&el);
    it->second.drop_name = it->second.drop_name || el.drop_name;
  }
  vector_value out;
  for (const auto& key : order) {
    const group& g = groups[key];
    if (k_param || a.op == aggregate_op::limit_ratio) {
      auto picked = select_members(a, g, param, t);
      out.insert(out.end(), picked.begin(), picked.end());
    } else if (a.op == aggregate_op::quantile) {
      std::vector<double> values;
      for (const auto* el : g.members) values.push_back(el->v);
      out.push_back(element{g.metric, quantile_of(param, values), t, g.drop_name});
    } else if (a.op == aggregate_op::count_values) {
      std::map<std::string, double> counts;
      for (const auto* el : g.members) counts[format_number(el->v)] += 1;
      for (const auto& [text, n] : counts)
        out.push_back(element{with_label(g.metric, label_param, text), n, t, false});
    } else {
      out.push_back(element{g.metric, fold(a.op, g.members), t, g.drop_name});
    }
  }
  return value{std::move(out)};
}

expected<annotations> evaluator::finish() {
  for (const auto& [a, b] : params_) {
    if (a->op == aggregate_op::quantile) {
      if (b.nan) {
        notes_.warn(invalid_quantile(std::numeric_limits<double>::quiet_NaN()));
        continue;
      }
      if (b.max > 1) notes_.warn(invalid_quantile(b.max));
      if (b.min < 0) notes_.warn(invalid_quantile(b.min));
    } else if (a->op == aggregate_op::limit_ratio) {
      const std::string what = "ratio value should be between -1 and 1, got ";
      if (b.max > 1) notes_.warn(what + format_g(b.max) + ", capping to 1");
      if (b.min < -1) notes_.warn(what + format_g(b.min) + ", capping to -1");
    } else if (b.max >= 1 && b.min <= min_int64) {
      // A k below one at every step would have returned nothing, unchecked.
      return eval_error("Scalar value " + format_g(b.min) + " underflows int64");
    }
  }
  return std::move(notes_);
}

}  // namespace vigil::promql
