#include "rules/promql/ast.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <tuple>

namespace vigil::promql {
namespace {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};

void add(std::vector<const expr*>& out, const expr_ptr& e) {
  if (e) out.push_back(e.get());
}

bool same(const expr_ptr& a, const expr_ptr& b) {
  if (!a || !b) return !a && !b;
  return same_tree(*a, *b);
}

bool same(const std::vector<expr_ptr>& a, const std::vector<expr_ptr>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!same(a[i], b[i])) return false;
  return true;
}

// Matchers are a conjunction: their order does not matter.
bool same(const std::vector<index::matcher>& a, const std::vector<index::matcher>& b) {
  using key = std::tuple<std::string_view, index::match_op, std::string_view>;
  auto keys = [](const std::vector<index::matcher>& ms) {
    std::vector<key> out;
    for (const auto& m : ms) out.emplace_back(m.name(), m.op(), m.value());
    std::sort(out.begin(), out.end());
    return out;
  };
  return keys(a) == keys(b);
}

bool same(const at_modifier& a, const at_modifier& b) {
  return a.what == b.what && (a.what != at_modifier::kind::time || a.time == b.time);
}

// Compares two nodes of the same alternative.
struct same_node {
  bool operator()(const number_literal& a, const number_literal& b) const {
    // Bit for bit, so -0 differs from 0; every NaN prints alike, though.
    bool same_value = std::isnan(a.value)
                          ? std::isnan(b.value)
                          : std::bit_cast<uint64_t>(a.value) == std::bit_cast<uint64_t>(b.value);
    return same_value && a.is_duration == b.is_duration;
  }
  bool operator()(const string_literal& a, const string_literal& b) const {
    return a.value == b.value;
  }
  bool operator()(const vector_selector& a, const vector_selector& b) const {
    return a.name == b.name && same(a.matchers, b.matchers) && a.offset == b.offset &&
           same(a.offset_expr, b.offset_expr) && same(a.at, b.at) && a.anchored == b.anchored &&
           a.smoothed == b.smoothed;
  }
  bool operator()(const matrix_selector& a, const matrix_selector& b) const {
    return same(a.selector, b.selector) && a.range == b.range && same(a.range_expr, b.range_expr);
  }
  bool operator()(const subquery& a, const subquery& b) const {
    return same(a.inner, b.inner) && a.range == b.range && same(a.range_expr, b.range_expr) &&
           a.step == b.step && same(a.step_expr, b.step_expr) && a.offset == b.offset &&
           same(a.offset_expr, b.offset_expr) && same(a.at, b.at);
  }
  bool operator()(const call& a, const call& b) const {
    return a.func == b.func && same(a.args, b.args);
  }
  bool operator()(const aggregate& a, const aggregate& b) const {
    return a.op == b.op && same(a.inner, b.inner) && same(a.param, b.param) &&
           a.grouping == b.grouping && a.without == b.without;
  }
  bool operator()(const binary& a, const binary& b) const {
    return a.op == b.op && same(a.lhs, b.lhs) && same(a.rhs, b.rhs) &&
           a.return_bool == b.return_bool && a.matching == b.matching;
  }
  bool operator()(const unary& a, const unary& b) const {
    return a.op == b.op && same(a.inner, b.inner);
  }
  bool operator()(const paren& a, const paren& b) const { return same(a.inner, b.inner); }
  bool operator()(const duration_expr& a, const duration_expr& b) const {
    return a.op == b.op && same(a.lhs, b.lhs) && same(a.rhs, b.rhs) && a.wrapped == b.wrapped;
  }
  template <class A, class B>
  bool operator()(const A&, const B&) const {
    return false;
  }
};

}  // namespace

std::string_view to_string(duration_op op) noexcept {
  static constexpr std::string_view names[] = {"+", "-", "*", "/", "%", "^", "step", "min", "max"};
  return names[static_cast<int>(op)];
}

std::string_view to_string(binary_op op) noexcept {
  static constexpr std::string_view names[] = {"+",     "-",   "*",  "/",     "%", "^",
                                               "atan2", "==",  "!=", ">",     "<", ">=",
                                               "<=",    "and", "or", "unless"};
  return names[static_cast<int>(op)];
}

bool is_comparison(binary_op op) noexcept {
  return op >= binary_op::eql && op <= binary_op::lte;
}

bool is_set_operator(binary_op op) noexcept {
  return op >= binary_op::land;
}

std::string_view to_string(aggregate_op op) noexcept {
  static constexpr std::string_view names[] = {
      "sum",    "avg",  "count",   "min",          "max",      "group",  "stddev",
      "stdvar", "topk", "bottomk", "count_values", "quantile", "limitk", "limit_ratio"};
  return names[static_cast<int>(op)];
}

bool takes_param(aggregate_op op) noexcept {
  return op >= aggregate_op::topk;
}

bool is_experimental(aggregate_op op) noexcept {
  return op == aggregate_op::limitk || op == aggregate_op::limit_ratio;
}

std::string_view to_string(cardinality c) noexcept {
  static constexpr std::string_view names[] = {"one-to-one", "many-to-one", "one-to-many",
                                               "many-to-many"};
  return names[static_cast<int>(c)];
}

value_type expr::type() const {
  return std::visit(
      overloaded{
          [](const number_literal&) { return value_type::scalar; },
          [](const string_literal&) { return value_type::string; },
          [](const vector_selector&) { return value_type::vector; },
          [](const matrix_selector&) { return value_type::matrix; },
          [](const subquery&) { return value_type::matrix; },
          [](const call& c) { return c.func ? c.func->return_type : value_type::none; },
          [](const aggregate&) { return value_type::vector; },
          [](const binary& b) {
            return b.lhs->type() == value_type::scalar && b.rhs->type() == value_type::scalar
                       ? value_type::scalar
                       : value_type::vector;
          },
          [](const unary& u) { return u.inner->type(); },
          [](const paren& p) { return p.inner->type(); },
          [](const duration_expr&) { return value_type::scalar; },
      },
      node);
}

std::vector<const expr*> children(const expr& e) {
  std::vector<const expr*> out;
  std::visit(overloaded{
                 [](const number_literal&) {},
                 [](const string_literal&) {},
                 [&](const vector_selector& v) { add(out, v.offset_expr); },
                 [&](const matrix_selector& m) {
                   add(out, m.selector);
                   add(out, m.range_expr);
                 },
                 [&](const subquery& s) {
                   add(out, s.inner);
                   add(out, s.range_expr);
                   add(out, s.step_expr);
                   add(out, s.offset_expr);
                 },
                 [&](const call& c) {
                   for (const auto& a : c.args) add(out, a);
                 },
                 [&](const aggregate& a) {
                   add(out, a.param);
                   add(out, a.inner);
                 },
                 [&](const binary& b) {
                   add(out, b.lhs);
                   add(out, b.rhs);
                 },
                 [&](const unary& u) { add(out, u.inner); },
                 [&](const paren& p) { add(out, p.inner); },
                 [&](const duration_expr& d) {
                   add(out, d.lhs);
                   add(out, d.rhs);
                 },
             },
             e.node);
  return out;
}

bool same_tree(const expr& a, const expr& b) {
  return std::visit(same_node{}, a.node, b.node);
}

}  // namespace vigil::promql
