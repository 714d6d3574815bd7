#include "rules/promql/check.hpp"

#include <algorithm>
#include <string>

#include "rules/promql/literals.hpp"
#include "storage/base/labels.hpp"

namespace vigil::promql {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

class checker {
 public:
  checker(std::string_view input, std::vector<parse_error>& errors)
      : input_(input), errors_(errors) {}

  // The type of `e`, after checking it and its children.
  value_type check(expr& e) {
    value_type type = e.type();
    std::visit([&](auto& node) { check_node(e, node); }, e.node);
    return type;
  }

 private:
  void error(position_range range, std::string message) {
    errors_.push_back(parse_error::at(input_, range, std::move(message)));
  }

  void expect_type(expr& e, value_type want, std::string_view context) {
    value_type got = check(e);
    if (got != want)
      error(e.range, "expected type " + std::string{documented_name(want)} + " in " +
                         std::string{context} + ", got " + std::string{documented_name(got)});
  }

  // The operator between the operands, spaces trimmed (inclusive end, as
  // Prometheus reports it).
  position_range operator_range(const binary& b) const {
    size_t start = b.lhs->range.end;
    while (start < input_.size() && is_space(input_[start])) ++start;
    size_t end = b.rhs->range.start > 0 ? b.rhs->range.start - 1 : 0;
    while (end > start && is_space(input_[end])) --end;
    return {start, end};
  }

  void check_node(expr&, number_literal&) {}
  void check_node(expr&, string_literal&) {}
  void check_node(expr&, paren& p) { check(*p.inner); }
  void check_node(expr&, matrix_selector& m) { check(*m.selector); }

  void check_node(expr& e, duration_expr&) {
    error(e.range, "duration expressions are only allowed in ranges, subquery steps and offsets");
  }

  void check_node(expr& e, subquery& s) {
    value_type t = check(*s.inner);
    if (t != value_type::vector)
      error(e.range, "subquery is only allowed on instant vector, got " +
                         std::string{to_string(t)} + " instead");
  }

  void check_node(expr& e, unary& u) {
    value_type t = check(*u.inner);
    if (t != value_type::scalar && t != value_type::vector)
      error(e.range,
            "unary expression only allowed on expressions of type scalar or instant "
            "vector, got " +
                quote(documented_name(t)));
  }

  void check_node(expr&, aggregate& a) {
    expect_type(*a.inner, value_type::vector, "aggregation expression");
    if (a.op == aggregate_op::count_values)
      expect_type(*a.param, value_type::string, "aggregation parameter");
    else if (takes_param(a.op))
      expect_type(*a.param, value_type::scalar, "aggregation parameter");
  }

  void check_node(expr& e, vector_selector& v) {
    if (!v.name.empty()) {
      // The last matcher is the name written before the braces.
      for (size_t i = 0; i + 1 < v.matchers.size(); ++i)
        if (v.matchers[i].name() == metric_name_label)
          error(e.range, "metric name must not be set twice: " + quote(v.name) + " or " +
                             quote(v.matchers[i].value()));
      return;
    }
    if (v.bypass_empty_matcher_check) return;
    // Matching "" would select every series, most likely by accident.
    for (const auto& m : v.matchers)
      if (!m.matches("")) return;
    error(e.range, "vector selector must contain at least one non-empty matcher");
  }

  void check_node(expr& e, call& c) {
    const function& f = *c.func;
    size_t declared = f.arg_types.size(), given = c.args.size();
    std::string name = quote(f.name);
    if (f.variadic == 0) {
      if (given != declared)
        error(e.range, "expected " + std::to_string(declared) + " argument(s) in call to " + name +
                           ", got " + std::to_string(given));
    } else if (given < declared - 1) {
      error(e.range, "expected at least " + std::to_string(declared - 1) +
                         " argument(s) in call to " + name + ", got " + std::to_string(given));
    } else if (f.variadic > 0 && given > declared - 1 + f.variadic) {
      error(e.range, "expected at most " + std::to_string(declared - 1 + f.variadic) +
                         " argument(s) in call to " + name + ", got " + std::to_string(given));
    }
    if (f.name == "info" && given > 1) check_info_selector(e, *c.args[1]);
    for (size_t i = 0; i < given; ++i) {
      if (i >= declared && f.variadic == 0) break;  // already reported
      value_type want = f.arg_types[std::min(i, declared - 1)];
      value_type got = check(*c.args[i]);
      if (got != want)
        error(c.args[i]->range, "expected type " + std::string{documented_name(want)} +
                                    " in call to function " + name + ", got " +
                                    std::string{documented_name(got)});
    }
  }

  // info()'s second argument names the labels to add: a bare {...} selector.
  void check_info_selector(expr& call_expr, expr& arg) {
    if (arg.type() != value_type::vector)
      error(call_expr.range, "expected type instant vector in call to function \"info\", got " +
                                 std::string{documented_name(arg.type())});
    if (!arg.is<vector_selector>())
      error(arg.range, "expected label selectors only");
    else if (!arg.as<vector_selector>().name.empty())
      error(arg.range, "expected label selectors only, got vector selector instead");
    else
      arg.as<vector_selector>().bypass_empty_matcher_check = true;
  }

  void check_node(expr& e, binary& b) {
    value_type lt = check(*b.lhs);
    value_type rt = check(*b.rhs);
    bool comparison = is_comparison(b.op), set_op = is_set_operator(b.op);
    if (b.return_bool && !comparison)
      error(operator_range(b), "bool modifier can only be used on comparison operators");
    if (comparison && !b.return_bool && lt == value_type::scalar && rt == value_type::scalar)
      error(operator_range(b), "comparisons between scalars must use BOOL modifier");
    if (b.matching && set_op && b.matching->card == cardinality::one_to_one)
      b.matching->card = cardinality::many_to_many;
    if (b.matching && b.matching->on)
      for (const auto& l : b.matching->matching_labels)
        for (const auto& i : b.matching->include)
          if (l == i)
            error(operator_range(b),
                  "label " + quote(l) + " must not occur in ON and GROUP clause at once");
    auto operand_ok = [](value_type t) {
      return t == value_type::scalar || t == value_type::vector;
    };
    const char* operand_error =
        "binary expression must contain only scalar and instant vector types";
    if (!operand_ok(lt)) error(b.lhs->range, operand_error);
    if (!operand_ok(rt)) error(b.rhs->range, operand_error);
    std::string op = quote(to_string(b.op));
    if ((lt != value_type::vector || rt != value_type::vector) && b.matching) {
      if (!b.matching->matching_labels.empty())
        error(e.range, "vector matching only allowed between instant vectors");
      b.matching.reset();
    } else if (set_op && b.matching) {
      if (b.matching->card == cardinality::one_to_many ||
          b.matching->card == cardinality::many_to_one)
        error(e.range, "no grouping allowed for " + op + " operation");
      if (b.matching->card != cardinality::many_to_many)
        error(e.range, "set operations must always be many-to-many");
    }
    if ((lt == value_type::scalar || rt == value_type::scalar) && set_op)
      error(e.range, "set operator " + op + " not allowed in binary scalar expression");
  }

  std::string_view input_;
  std::vector<parse_error>& errors_;
};

}  // namespace

void check_types(expr& e, std::string_view input, std::vector<parse_error>& errors) {
  checker{input, errors}.check(e);
}

}  // namespace vigil::promql
