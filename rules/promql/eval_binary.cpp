// Binary operators: arithmetic and comparisons between scalars and
// vectors, vector matching (one-to-one, group_left/group_right) with
// on/ignoring, and the set operators and/or/unless. Matching signatures
// leave out __name__ unless on(...) lists it; results drop the name for
// arithmetic and `bool` comparisons (delayed, as in Prometheus 3).

#include <cmath>
#include <map>

#include "rules/promql/evaluator.hpp"

namespace vigil::promql {

namespace {

// The value of `l op r` and, for comparisons, whether it holds.
std::pair<double, bool> apply(binary_op op, double l, double r) {
  switch (op) {
    case binary_op::add:
      return {l + r, true};
    case binary_op::sub:
      return {l - r, true};
    case binary_op::mul:
      return {l * r, true};
    case binary_op::div:
      return {l / r, true};
    case binary_op::mod:
      return {std::fmod(l, r), true};
    case binary_op::pow:
      return {std::pow(l, r), true};
    case binary_op::atan2:
      return {std::atan2(l, r), true};
    case binary_op::eql:
      return {l, l == r};
    case binary_op::neq:
      return {l, l != r};
    case binary_op::gtr:
      return {l, l > r};
    case binary_op::lss:
      return {l, l < r};
    case binary_op::gte:
      return {l, l >= r};
    case binary_op::lte:
      return {l, l <= r};
    default:
      return {l, true};
  }
}

labels signature(const labels& ls, const vector_matching& m) {
  return m.on ? only_labels(ls, m.matching_labels) : without_labels(ls, m.matching_labels, true);
}

std::string group_text(const labels& sig) {
  std::string s = "{";
  for (const auto& l : sig) s += (s.size() > 1 ? ", " : "") + l.name + "=\"" + l.value + "\"";
  return s + "}";
}

vector_value set_operation(const binary& b, const vector_matching& m, vector_value lhs,
                           vector_value rhs) {
  std::map<labels, bool> right;
  for (const auto& el : rhs) right[signature(el.metric, m)] = true;
  vector_value out;
  if (b.op == binary_op::lor) {
    std::map<labels, bool> left;
    for (auto& el : lhs) {
      left[signature(el.metric, m)] = true;
      out.push_back(std::move(el));
    }
    for (auto& el : rhs)
      if (!left.contains(signature(el.metric, m))) out.push_back(std::move(el));
    return out;
  }
  bool want = b.op == binary_op::land;
  for (auto& el : lhs)
    if (right.contains(signature(el.metric, m)) == want) out.push_back(std::move(el));
  return out;
}

labels result_metric(const labels& many, const labels& one, const vector_matching& m) {
  labels out = many;
  if (m.card == cardinality::one_to_one)
    out =
        m.on ? only_labels(out, m.matching_labels) : without_labels(out, m.matching_labels, false);
  for (const auto& name : m.include) out = with_label(out, name, one.get(name));
  return out;
}

expected<vector_value> match_vectors(const binary& b, const vector_matching& m, vector_value lhs,
                                     vector_value rhs, timestamp t) {
  bool swap = m.card == cardinality::one_to_many;
  vector_value& many = swap ? rhs : lhs;
  vector_value& one = swap ? lhs : rhs;
  std::map<labels, const element*> ones;
  for (const auto& el : one) {
    auto [it, fresh] = ones.try_emplace(signature(el.metric, m), &el);
    if (!fresh)
      return eval_error("found duplicate series for the match group " + group_text(it->first) +
                        " on the " + (swap ? "left" : "right") + " hand-side of the operation: [" +
                        it->second->metric.to_string() + ", " + el.metric.to_string() +
                        "];many-to-many matching not allowed: matching labels must be unique "
                        "on one side");
  }
  bool drop = b.return_bool || !is_comparison(b.op);
  std::map<labels, bool> matched;
  vector_value out;
  for (const auto& el : many) {
    labels sig = signature(el.metric, m);
    auto it = ones.find(sig);
    if (it == ones.end()) continue;
    if (m.card == cardinality::one_to_one) {  // even when the comparison filters it out
      if (matched.contains(sig))
        return eval_error(
            "multiple matches for labels: many-to-one matching must be explicit "
            "(group_left/group_right)");
      matched[sig] = true;
    }
    double l = swap ? it->second->v : el.v;
    double r = swap ? el.v : it->second->v;
    auto [v, keep] = apply(b.op, l, r);
    if (b.return_bool)
      v = keep ? 1 : 0;
    else if (!keep)
      continue;
    labels metric = result_metric(el.metric, it->second->metric, m);
    if (m.card != cardinality::one_to_one && !matched.try_emplace(metric, true).second)
      return eval_error("multiple matches for labels: grouping labels must ensure unique matches");
    out.push_back(element{std::move(metric), v, t, drop || el.drop_name});
  }
  return out;
}

}  // namespace

expected<value> evaluator::eval_binary(const binary& b, timestamp t) {
  auto lhs = eval(*b.lhs, t);
  if (!lhs) return lhs;
  auto rhs = eval(*b.rhs, t);
  if (!rhs) return rhs;
  auto* ls = std::get_if<scalar_value>(&*lhs);
  auto* rs = std::get_if<scalar_value>(&*rhs);
  if (ls && rs) {
    auto [v, keep] = apply(b.op, ls->v, rs->v);
    return value{scalar_value{is_comparison(b.op) ? (keep ? 1.0 : 0.0) : v}};
  }
  if (ls || rs) {
    bool scalar_left = ls != nullptr;
    double s = scalar_left ? ls->v : rs->v;
    auto& vec = std::get<vector_value>(scalar_left ? *rhs : *lhs);
    vector_value out;
    for (auto& el : vec) {
      auto [v, keep] = scalar_left ? apply(b.op, s, el.v) : apply(b.op, el.v, s);
      if (is_comparison(b.op)) v = el.v;
      if (b.return_bool)
        v = keep ? 1 : 0;
      else if (!keep)
        continue;
      bool drop = b.return_bool || !is_comparison(b.op) || el.drop_name;
      out.push_back(element{std::move(el.metric), v, t, drop});
    }
    return value{std::move(out)};
  }
  auto& lv = std::get<vector_value>(*lhs);
  auto& rv = std::get<vector_value>(*rhs);
  static const vector_matching one_to_one{};  // no modifiers written
  const vector_matching& m = b.matching ? *b.matching : one_to_one;
  if (is_set_operator(b.op)) return value{set_operation(b, m, std::move(lv), std::move(rv))};
  auto out = match_vectors(b, m, std::move(lv), std::move(rv), t);
  if (!out) return std::move(out).error_value();
  return value{std::move(*out)};
}

}  // namespace vigil::promql
