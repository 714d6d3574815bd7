// Operators, literals, calls and aggregations (see parser_impl.hpp).

#include <utility>

#include "rules/promql/literals.hpp"
#include "rules/promql/parser_impl.hpp"
#include "rules/promql/utf8.hpp"

namespace vigil::promql::detail {
namespace {

// Binding strength of binary operators, weakest first; 0: not one.
constexpr int mul_precedence = 5;

int precedence(token_kind k) {
  switch (k) {
    case token_kind::lor:
      return 1;
    case token_kind::land:
    case token_kind::lunless:
      return 2;
    case token_kind::eqlc:
    case token_kind::neq:
    case token_kind::lte:
    case token_kind::lss:
    case token_kind::gte:
    case token_kind::gtr:
      return 3;
    case token_kind::add:
    case token_kind::sub:
      return 4;
    case token_kind::mul:
    case token_kind::div:
    case token_kind::mod:
    case token_kind::atan2:
      return mul_precedence;
    case token_kind::pow:
      return pow_precedence;
    default:
      return 0;
  }
}

binary_op to_binary_op(token_kind k) {
  switch (k) {
    case token_kind::add:
      return binary_op::add;
    case token_kind::sub:
      return binary_op::sub;
    case token_kind::mul:
      return binary_op::mul;
    case token_kind::div:
      return binary_op::div;
    case token_kind::mod:
      return binary_op::mod;
    case token_kind::pow:
      return binary_op::pow;
    case token_kind::atan2:
      return binary_op::atan2;
    case token_kind::eqlc:
      return binary_op::eql;
    case token_kind::neq:
      return binary_op::neq;
    case token_kind::gtr:
      return binary_op::gtr;
    case token_kind::lss:
      return binary_op::lss;
    case token_kind::gte:
      return binary_op::gte;
    case token_kind::lte:
      return binary_op::lte;
    case token_kind::land:
      return binary_op::land;
    case token_kind::lor:
      return binary_op::lor;
    default:
      return binary_op::lunless;
  }
}

aggregate_op to_aggregate_op(token_kind k) {
  switch (k) {
    case token_kind::sum:
      return aggregate_op::sum;
    case token_kind::avg:
      return aggregate_op::avg;
    case token_kind::count:
      return aggregate_op::count;
    case token_kind::min:
      return aggregate_op::min;
    case token_kind::max:
      return aggregate_op::max;
    case token_kind::group:
      return aggregate_op::group;
    case token_kind::stddev:
      return aggregate_op::stddev;
    case token_kind::stdvar:
      return aggregate_op::stdvar;
    case token_kind::topk:
      return aggregate_op::topk;
    case token_kind::bottomk:
      return aggregate_op::bottomk;
    case token_kind::count_values:
      return aggregate_op::count_values;
    case token_kind::quantile:
      return aggregate_op::quantile;
    case token_kind::limitk:
      return aggregate_op::limitk;
    default:
      return aggregate_op::limit_ratio;
  }
}

// Tokens allowed as a label name in by(...), on(...), group_left(...).
bool is_grouping_label(token_kind k) {
  switch (k) {
    case token_kind::identifier:
    case token_kind::metric_identifier:
    case token_kind::bool_:
    case token_kind::by:
    case token_kind::group_left:
    case token_kind::group_right:
    case token_kind::ignoring:
    case token_kind::on:
    case token_kind::land:
    case token_kind::lor:
    case token_kind::lunless:
    case token_kind::atan2:
    case token_kind::offset:
    case token_kind::start:
    case token_kind::end:
    case token_kind::step:
    case token_kind::anchored:
    case token_kind::smoothed:
      return true;
    default:
      return is_aggregator(k);
  }
}

}  // namespace

expr_ptr parser::parse_expression(int min_precedence) {
  nesting depth{*this};
  if (!depth.add()) return nullptr;
  expr_ptr lhs = parse_unary();
  while (lhs) {
    int prec = precedence(peek().kind);
    if (prec == 0 || prec < min_precedence) return lhs;
    token op = take();
    binary node;
    node.op = to_binary_op(op.kind);
    if (!parse_binary_modifiers(node)) return nullptr;
    // ^ is right-associative, everything else left-associative.
    expr_ptr rhs = parse_expression(op.kind == token_kind::pow ? prec : prec + 1);
    if (!rhs || !depth.add()) return nullptr;
    position_range range{lhs->range.start, rhs->range.end};
    node.lhs = std::move(lhs);
    node.rhs = std::move(rhs);
    lhs = make_expr(std::move(node), range);
  }
  return lhs;
}

// Unary minus and plus bind like * but take a following ^ chain as their
// operand (-1^2 is -(1^2)); on a number literal they fold into it.
expr_ptr parser::parse_unary() {
  if (!at(token_kind::add) && !at(token_kind::sub)) return parse_postfix(parse_primary());
  token op = take();
  expr_ptr operand = parse_expression(pow_precedence);
  if (!operand) return nullptr;
  if (operand->is<number_literal>()) {
    if (op.kind == token_kind::sub) operand->as<number_literal>().value *= -1;
    operand->range.start = op.pos;
    return operand;
  }
  position_range range{op.pos, operand->range.end};
  unary node{op.kind == token_kind::sub ? unary_op::minus : unary_op::plus, std::move(operand)};
  return make_expr(std::move(node), range);
}

expr_ptr parser::parse_primary() {
  const token& t = peek();
  position_range range{t.pos, t.end()};
  switch (t.kind) {
    case token_kind::number:
      return make_expr(number_literal{number_value(take()), false}, range);
    case token_kind::duration:
      return make_expr(number_literal{duration_value(take()), true}, range);
    case token_kind::string: {
      auto value = unquoted(take());
      if (!value) return nullptr;
      return make_expr(string_literal{std::move(*value)}, range);
    }
    case token_kind::left_paren:
      return parse_paren();
    case token_kind::left_brace:
      return parse_vector_selector(nullptr);
    default:
      break;
  }
  if (!is_metric_name(t.kind)) return unexpected();
  token name = take();
  bool call_follows = at(token_kind::left_paren);
  if (name.kind == token_kind::identifier && call_follows) return parse_call(name);
  if (is_aggregator(name.kind) && (call_follows || at(token_kind::by) || at(token_kind::without)))
    return parse_aggregate(name);
  if (name.kind == token_kind::step && call_follows) {
    // step() where an operand belongs starts a duration expression, which
    // type checking then rejects, as in Prometheus.
    expr_ptr step = parse_duration_call(name, {});
    return step ? parse_duration_rest(std::move(step), 1, {}) : nullptr;
  }
  return parse_vector_selector(&name);
}

expr_ptr parser::parse_paren() {
  size_t start = take().pos;
  expr_ptr inner = parse_expression(1);
  if (!inner) return nullptr;
  if (!at(token_kind::right_paren)) return unexpected();
  take();
  return make_expr(paren{std::move(inner)}, {start, last_end_});
}

expr_ptr parser::parse_call(const token& name) {
  std::vector<expr_ptr> args;
  if (!parse_call_args(args)) return nullptr;
  const function* f = find_function(name.text);
  position_range name_range{name.pos, name.end()};
  if (!f)
    error_at(name_range, "unknown function with name " + quote(name.text));
  else if (f->experimental && !options_.experimental_functions)
    error_at(name_range, "function " + quote(name.text) + " is not enabled");
  return make_expr(call{f, std::move(args)}, {name.pos, last_end_});
}

bool parser::parse_call_args(std::vector<expr_ptr>& args) {
  take();  // (
  if (at(token_kind::right_paren)) {
    take();
    return true;
  }
  for (;;) {
    expr_ptr arg = parse_expression(1);
    if (!arg) return false;
    args.push_back(std::move(arg));
    if (at(token_kind::comma)) {
      token comma = take();
      if (!at(token_kind::right_paren)) continue;
      error_at({comma.pos, comma.end()}, "trailing commas not allowed in function call args");
    }
    if (!at(token_kind::right_paren)) {
      unexpected();
      return false;
    }
    take();
    return true;
  }
}

// sum by (a) (x), sum (x) by (a), topk(5, x), ...
expr_ptr parser::parse_aggregate(const token& op) {
  aggregate node;
  node.op = to_aggregate_op(op.kind);
  auto parse_modifier = [&] {
    node.without = take().kind == token_kind::without;
    auto labels = parse_grouping_labels();
    if (labels) node.grouping = std::move(*labels);
    return labels.has_value();
  };
  bool modifier_first = at(token_kind::by) || at(token_kind::without);
  if (modifier_first && !parse_modifier()) return nullptr;
  if (!at(token_kind::left_paren)) return unexpected("aggregation");
  std::vector<expr_ptr> args;
  std::string_view outer_context = std::exchange(enclosing_context_, "aggregation");
  bool parsed = parse_call_args(args);
  enclosing_context_ = outer_context;
  if (!parsed) return nullptr;
  if (!modifier_first && (at(token_kind::by) || at(token_kind::without)) && !parse_modifier())
    return nullptr;
  position_range range{op.pos, last_end_};
  size_t wanted = takes_param(node.op) ? 2 : 1;
  if (args.empty()) {
    error_at(range, "no arguments for aggregate expression provided");
  } else if (is_experimental(node.op) && !options_.experimental_functions) {
    error_at(range, std::string{to_string(node.op)} +
                        "() is experimental and must be enabled with "
                        "--enable-feature=promql-experimental-functions");
  } else if (args.size() != wanted) {
    error_at(range, "wrong number of arguments for aggregate expression provided, expected " +
                        std::to_string(wanted) + ", got " + std::to_string(args.size()));
  } else {
    if (wanted == 2) node.param = std::move(args[0]);
    node.inner = std::move(args.back());
  }
  return make_expr(std::move(node), range);
}

std::optional<std::vector<std::string>> parser::parse_grouping_labels() {
  if (!at(token_kind::left_paren)) {
    unexpected("grouping opts", "\"(\"");
    return std::nullopt;
  }
  take();
  std::vector<std::string> labels;
  while (!at(token_kind::right_paren)) {
    const token& t = peek();
    if (is_grouping_label(t.kind)) {
      labels.emplace_back(take().text);
    } else if (t.kind == token_kind::string) {
      token s = take();
      auto name = unquoted(s);
      if (!name) return std::nullopt;
      if (name->empty() || !valid_utf8(*name))
        error_at({s.pos, s.end()}, "invalid label name for grouping: " + quote(*name));
      labels.push_back(std::move(*name));
    } else {
      unexpected("grouping opts", "label");
      return std::nullopt;
    }
    if (at(token_kind::comma)) {
      take();
    } else if (!at(token_kind::right_paren)) {
      unexpected("grouping opts", "\",\" or \")\"");
      return std::nullopt;
    }
  }
  take();
  return labels;
}

// [bool] [on|ignoring (labels) [group_left|group_right [(labels)]]]
bool parser::parse_binary_modifiers(binary& b) {
  b.matching.emplace();
  if (at(token_kind::bool_)) {
    take();
    b.return_bool = true;
  }
  if (!at(token_kind::on) && !at(token_kind::ignoring)) return true;
  b.matching->on = take().kind == token_kind::on;
  auto labels = parse_grouping_labels();
  if (!labels) return false;
  b.matching->matching_labels = std::move(*labels);
  if (!at(token_kind::group_left) && !at(token_kind::group_right)) return true;
  b.matching->card =
      take().kind == token_kind::group_left ? cardinality::many_to_one : cardinality::one_to_many;
  if (!at(token_kind::left_paren)) return true;
  labels = parse_grouping_labels();
  if (!labels) return false;
  b.matching->include = std::move(*labels);
  return true;
}

}  // namespace vigil::promql::detail
