#pragma once

// The PromQL syntax tree, shaped like Prometheus's promql/parser AST: an
// `expr` holds one node (a std::variant) and the byte range of the input it
// came from; children are owned through `expr_ptr`. Parenthesised
// expressions stay in the tree (as `paren`) so that printing reproduces them.
//
// Durations written as expressions (`[5m+1m]`, `offset (1h*2)`, `[step()]`,
// Prometheus 3's promql-duration-expr) are `duration_expr` nodes whose leaves
// are number literals (in seconds), possibly in a `paren`; a range, step or
// offset written as a plain literal is resolved to milliseconds at parse
// time instead.
//
// Trees are plain values: not thread-safe to mutate, safe to read from many
// threads.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rules/promql/functions.hpp"
#include "rules/promql/position.hpp"
#include "storage/base/duration.hpp"
#include "storage/base/sample.hpp"
#include "storage/index/matcher.hpp"

namespace vigil::promql {

struct expr;
using expr_ptr = std::unique_ptr<expr>;

enum class binary_op {
  add,
  sub,
  mul,
  div,
  mod,
  pow,
  atan2,  // arithmetic
  eql,
  neq,
  gtr,
  lss,
  gte,
  lte,  // comparisons
  land,
  lor,
  lunless,  // set operators: and, or, unless
};
/// The operator as written: "+", "==", "and", "atan2".
[[nodiscard]] std::string_view to_string(binary_op op) noexcept;
[[nodiscard]] bool is_comparison(binary_op op) noexcept;
[[nodiscard]] bool is_set_operator(binary_op op) noexcept;

enum class aggregate_op {
  sum,
  avg,
  count,
  min,
  max,
  group,
  stddev,
  stdvar,
  topk,
  bottomk,
  count_values,
  quantile,
  limitk,
  limit_ratio,
};
/// The aggregation's lower-case name: "sum", "count_values".
[[nodiscard]] std::string_view to_string(aggregate_op op) noexcept;
/// Whether the aggregation takes a parameter before its vector (topk(5, x)).
[[nodiscard]] bool takes_param(aggregate_op op) noexcept;
/// limitk and limit_ratio need --enable-feature=promql-experimental-functions.
[[nodiscard]] bool is_experimental(aggregate_op op) noexcept;

enum class unary_op { plus, minus };

/// Operators of duration expressions; `step` is the query step, `min` and
/// `max` take two operands, `sub` without lhs is a negation.
enum class duration_op { add, sub, mul, div, mod, pow, step, min, max };
/// "+", ..., "^", "step", "min" or "max".
[[nodiscard]] std::string_view to_string(duration_op op) noexcept;

/// The `@` modifier: none, a fixed time, or the query's start() or end().
struct at_modifier {
  enum class kind { none, time, start, end };
  kind what = kind::none;
  timestamp time = 0;  ///< milliseconds, for kind::time
  [[nodiscard]] bool is_set() const { return what != kind::none; }
};

struct number_literal {
  double value = 0;
  bool is_duration = false;  ///< written as a duration (5m): printed as one
};

struct string_literal {
  std::string value;  ///< unquoted
};

struct vector_selector {
  std::string name;  ///< metric name written before the braces, or ""
  /// Every matcher; a `name` adds __name__="name" as the last one.
  std::vector<index::matcher> matchers;
  duration offset{0};
  expr_ptr offset_expr;  ///< set when the offset was a duration expression
  at_modifier at;
  bool anchored = false;  ///< experimental extended range selectors
  bool smoothed = false;
  /// info()'s second argument may match everything (no non-empty matcher).
  bool bypass_empty_matcher_check = false;
};

struct matrix_selector {
  expr_ptr selector;  ///< always holds a vector_selector, which carries offset and @
  duration range{0};
  expr_ptr range_expr;  ///< set when the range was a duration expression
};

struct subquery {
  expr_ptr inner;
  duration range{0};
  expr_ptr range_expr;
  duration step{0};  ///< 0: the default evaluation interval
  expr_ptr step_expr;
  duration offset{0};
  expr_ptr offset_expr;
  at_modifier at;
};

struct call {
  const function* func = nullptr;
  std::vector<expr_ptr> args;
};

struct aggregate {
  aggregate_op op = aggregate_op::sum;
  expr_ptr inner;
  expr_ptr param;  ///< topk's k, quantile's φ, count_values's label, ...
  std::vector<std::string> grouping;
  bool without = false;
};

enum class cardinality { one_to_one, many_to_one, one_to_many, many_to_many };
/// "one-to-one", "many-to-one", ...
[[nodiscard]] std::string_view to_string(cardinality c) noexcept;

/// How the elements of two vectors are paired.
struct vector_matching {
  cardinality card = cardinality::one_to_one;
  std::vector<std::string> matching_labels;  ///< on(...) or ignoring(...)
  bool on = false;
  std::vector<std::string> include;  ///< group_left(...)/group_right(...) labels
  friend bool operator==(const vector_matching&, const vector_matching&) = default;
};

struct binary {
  binary_op op = binary_op::add;
  expr_ptr lhs;
  expr_ptr rhs;
  bool return_bool = false;
  /// Absent when either side is a scalar (after type checking).
  std::optional<vector_matching> matching;
};

struct unary {
  unary_op op = unary_op::minus;
  expr_ptr inner;
};

struct paren {
  expr_ptr inner;
};

struct duration_expr {
  duration_op op = duration_op::add;
  expr_ptr lhs;          ///< null for step() and for a negation
  expr_ptr rhs;          ///< null for step()
  bool wrapped = false;  ///< written in parentheses
};

/// One node of the tree and the input range it was parsed from.
struct expr {
  using node_type = std::variant<number_literal, string_literal, vector_selector, matrix_selector,
                                 subquery, call, aggregate, binary, unary, paren, duration_expr>;
  node_type node;
  position_range range;

  template <class Node>
  [[nodiscard]] bool is() const {
    return std::holds_alternative<Node>(node);
  }
  template <class Node>
  [[nodiscard]] Node& as() {
    return std::get<Node>(node);
  }
  template <class Node>
  [[nodiscard]] const Node& as() const {
    return std::get<Node>(node);
  }

  /// What the expression evaluates to (duration expressions are scalars).
  [[nodiscard]] value_type type() const;
};

/// Makes a node at `range`.
template <class Node>
[[nodiscard]] expr_ptr make_expr(Node node, position_range range) {
  return std::make_unique<expr>(expr{std::move(node), range});
}

/// The direct children of `e` in evaluation order (operands, arguments,
/// selectors; duration expressions of ranges and offsets too).
[[nodiscard]] std::vector<const expr*> children(const expr& e);

/// Whether two trees are equal ignoring positions: same nodes, operators,
/// matchers (in any order), durations and numbers (bit for bit, but any NaN
/// equals any NaN).
[[nodiscard]] bool same_tree(const expr& a, const expr& b);

}  // namespace vigil::promql
