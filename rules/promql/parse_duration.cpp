// Duration expressions: [5m+1m], offset (1h*2), step(), min(), max() (see
// parser_impl.hpp).

#include <cmath>

#include "rules/promql/parser_impl.hpp"

namespace vigil::promql::detail {
namespace {

// Durations must fit Go's time.Duration (int64 nanoseconds).
constexpr double max_duration_seconds = 9223372036.854775807;

duration_op to_duration_op(token_kind k) {
  switch (k) {
    case token_kind::add:
      return duration_op::add;
    case token_kind::sub:
      return duration_op::sub;
    case token_kind::mul:
      return duration_op::mul;
    case token_kind::div:
      return duration_op::div;
    case token_kind::mod:
      return duration_op::mod;
    case token_kind::pow:
      return duration_op::pow;
    case token_kind::step:
      return duration_op::step;
    case token_kind::min:
      return duration_op::min;
    default:
      return duration_op::max;
  }
}

}  // namespace

int duration_precedence(token_kind k) noexcept {
  switch (k) {
    case token_kind::add:
    case token_kind::sub:
      return 4;
    case token_kind::mul:
    case token_kind::div:
    case token_kind::mod:
      return 5;
    case token_kind::pow:
      return pow_precedence;
    default:
      return 0;
  }
}

expr_ptr parser::parse_positive_duration(const error_context& c) {
  expr_ptr d = parse_duration(1, c);
  if (d && d->is<number_literal>() && d->as<number_literal>().value <= 0) {
    error_at(d->range, "duration must be greater than 0");
    d->as<number_literal>().value = 0;
  }
  return d;
}

expr_ptr parser::parse_duration(int min_precedence, const error_context& c) {
  nesting depth{*this};
  if (!depth.add()) return nullptr;
  expr_ptr lhs = parse_duration_operand(c);
  return lhs ? parse_duration_rest(std::move(lhs), min_precedence, c) : nullptr;
}

expr_ptr parser::parse_duration_rest(expr_ptr lhs, int min_precedence, const error_context& c) {
  nesting depth{*this};
  for (;;) {
    int prec = duration_precedence(peek().kind);
    if (prec == 0 || prec < min_precedence) return lhs;
    token op = take();
    expr_ptr rhs = parse_duration(op.kind == token_kind::pow ? prec : prec + 1, c);
    if (!rhs || !depth.add()) return nullptr;
    if (!options_.duration_expressions)
      error_at(lhs->range, "experimental duration expression is not enabled");
    position_range range{lhs->range.start, rhs->range.end};
    bool divides = op.kind == token_kind::div || op.kind == token_kind::mod;
    if (divides && rhs->is<number_literal>() && rhs->as<number_literal>().value == 0) {
      error_at({op.pos, op.end()},
               op.kind == token_kind::div ? "division by zero" : "modulo by zero");
      lhs = make_expr(number_literal{0, false}, range);
      continue;
    }
    lhs = make_expr(duration_expr{to_duration_op(op.kind), std::move(lhs), std::move(rhs), false},
                    range);
  }
}

expr_ptr parser::parse_duration_operand(const error_context& c) {
  switch (peek().kind) {
    case token_kind::add:
    case token_kind::sub: {
      token sign = take();
      expr_ptr operand = parse_duration(pow_precedence, c);  // a following ^ belongs to it
      return operand ? negate_duration(sign, std::move(operand)) : nullptr;
    }
    case token_kind::number:
    case token_kind::duration:
      return parse_duration_literal(take());
    case token_kind::step:
    case token_kind::min:
    case token_kind::max:
      return parse_duration_call(take(), c);
    case token_kind::left_paren: {
      take();
      expr_ptr inner = parse_duration(1, c);
      if (!inner || !expect(token_kind::right_paren, c)) return nullptr;
      if (!options_.duration_expressions)
        error_at(inner->range, "experimental duration expression is not enabled");
      if (inner->is<duration_expr>()) inner->as<duration_expr>().wrapped = true;
      return inner;
    }
    default:
      return unexpected(c);
  }
}

expr_ptr parser::parse_duration_literal(const token& t) {
  bool is_duration = t.kind == token_kind::duration;
  double value = is_duration ? duration_value(t) : number_value(t);
  if (!(std::abs(value) <= max_duration_seconds)) {
    error_at({t.pos, t.end()}, "duration out of range");
    value = 0;
  }
  return make_expr(number_literal{value, is_duration}, {t.pos, t.end()});
}

// step(), min(a, b), max(a, b); the keyword is already taken.
expr_ptr parser::parse_duration_call(const token& keyword, const error_context& c) {
  if (!expect(token_kind::left_paren, c)) return nullptr;
  duration_expr node;
  node.op = to_duration_op(keyword.kind);
  if (keyword.kind != token_kind::step) {
    node.lhs = parse_duration(1, c);
    if (!node.lhs || !expect(token_kind::comma, c)) return nullptr;
    node.rhs = parse_duration(1, c);
    if (!node.rhs) return nullptr;
  }
  if (!expect(token_kind::right_paren, c)) return nullptr;
  return make_expr(std::move(node), {keyword.pos, last_end_});
}

expr_ptr parser::negate_duration(const token& sign, expr_ptr operand) {
  bool minus = sign.kind == token_kind::sub;
  if (operand->is<number_literal>()) {
    double& value = operand->as<number_literal>().value;
    if (minus) value = -value;
    if (!(std::abs(value) <= max_duration_seconds)) {
      error_at({sign.pos, sign.end()}, "duration out of range");
      value = 0;
    }
    operand->range.start = sign.pos;
    return operand;
  }
  if (!minus) return operand;
  position_range range{sign.pos, operand->range.end};
  return make_expr(duration_expr{duration_op::sub, nullptr, std::move(operand), false}, range);
}

}  // namespace vigil::promql::detail
