// Aggregation operators. Series are grouped by the `by` labels or by all
// labels but the `without` ones (and __name__); each group folds its values
// the way Prometheus does: Kahan sums, Welford variance, NaN-tolerant
// min/max, topk/bottomk/limitk keeping whole input series, quantile interpolating
// between ranks, count_values adding the value as a label.

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

namespace {

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

vector_value select_k(const aggregate& a, const group& g, double param, timestamp t) {
  bool top = a.op == aggregate_op::topk;
  auto members = g.members;
  auto better = [top](const element* x, const element* y) {
    if (std::isnan(x->v)) return false;
    if (std::isnan(y->v)) return true;
    return top ? x->v > y->v : x->v < y->v;
  };
  if (a.op != aggregate_op::limitk) std::stable_sort(members.begin(), members.end(), better);
  size_t k = param >= double(members.size()) ? members.size() : size_t(std::max(0.0, param));
  vector_value out;
  for (size_t i = 0; i < k; ++i)
    out.push_back(element{members[i]->metric, members[i]->v, t, members[i]->drop_name});
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
  }
  auto input = eval_vector(*a.inner, t);
  if (!input) return std::move(input).error_value();
  bool k_param =
      a.op == aggregate_op::topk || a.op == aggregate_op::bottomk || a.op == aggregate_op::limitk;
  if (k_param && std::isnan(param)) return eval_error("Parameter value is NaN");
  if (a.op == aggregate_op::limit_ratio)
    return eval_error(std::isnan(param) ? "Ratio value is NaN" : "limit_ratio is not supported");
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
    if (k_param) {
      auto picked = select_k(a, g, param, t);
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

}  // namespace vigil::promql
