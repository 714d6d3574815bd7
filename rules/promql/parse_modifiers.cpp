// Ranges, subqueries, offset, @ and anchored/smoothed (see parser_impl.hpp).

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "rules/promql/parser_impl.hpp"

namespace vigil::promql::detail {
namespace {

constexpr error_context range_context{"subquery or range selector", "number, duration, or step()"};
constexpr error_context step_context{"subquery selector", "number, duration, or step() or \"]\""};
constexpr error_context offset_context{"offset", "number, duration, or step()"};
constexpr error_context at_context{"@", "timestamp"};

bool starts_duration(token_kind k) {
  switch (k) {
    case token_kind::number:
    case token_kind::duration:
    case token_kind::add:
    case token_kind::sub:
    case token_kind::step:
    case token_kind::min:
    case token_kind::max:
    case token_kind::left_paren:
      return true;
    default:
      return false;
  }
}

// A literal resolves to milliseconds; anything else stays an expression.
void set_duration(expr_ptr d, duration& value, expr_ptr& expression) {
  if (d->is<number_literal>())
    value = duration{std::llround(d->as<number_literal>().value * 1000.0)};
  else
    expression = std::move(d);
}

// The offset and @ of what a modifier applies to, if it takes them.
struct time_modifiers {
  duration* offset;
  expr_ptr* offset_expr;
  at_modifier* at;
};

std::optional<time_modifiers> modifiers_of(expr& e) {
  if (e.is<matrix_selector>()) return modifiers_of(*e.as<matrix_selector>().selector);
  if (e.is<vector_selector>()) {
    auto& v = e.as<vector_selector>();
    return time_modifiers{&v.offset, &v.offset_expr, &v.at};
  }
  if (e.is<subquery>()) {
    auto& s = e.as<subquery>();
    return time_modifiers{&s.offset, &s.offset_expr, &s.at};
  }
  return std::nullopt;
}

// Go's %f: six decimals, or +Inf, -Inf, NaN.
std::string format_fixed(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[512];
  std::snprintf(buf, sizeof buf, "%f", v);
  return buf;
}

}  // namespace

expr_ptr parser::parse_postfix(expr_ptr e) {
  nesting depth{*this};
  while (e && !failed_) {
    switch (peek().kind) {
      case token_kind::left_bracket:
        if (!depth.add()) return nullptr;
        e = parse_range(std::move(e));
        break;
      case token_kind::offset:
        take();
        parse_offset(*e);
        break;
      case token_kind::at:
        take();
        parse_at(*e);
        break;
      case token_kind::anchored:
      case token_kind::smoothed:
        set_extended_modifier(*e, take());
        break;
      default:
        return e;
    }
  }
  return failed_ ? nullptr : std::move(e);
}

// x[range], x[range:step] or x[range:].
expr_ptr parser::parse_range(expr_ptr e) {
  size_t open = take().pos;
  if (!starts_duration(peek().kind)) return unexpected(range_context);
  expr_ptr range = parse_positive_duration(range_context);
  if (!range) return nullptr;
  size_t start = e->range.start;
  if (at(token_kind::right_bracket)) {
    take();
    const char* problem = nullptr;
    if (!e->is<vector_selector>()) {
      problem = "ranges only allowed for vector selectors";
    } else if (auto& v = e->as<vector_selector>(); v.offset.count() != 0 || v.offset_expr) {
      problem = "no offset modifiers allowed before range";
    } else if (v.at.is_set()) {
      problem = "no @ modifiers allowed before range";
    }
    if (problem) {
      error_at({open, last_end_}, problem);
      return e;
    }
    matrix_selector m;
    m.selector = std::move(e);
    set_duration(std::move(range), m.range, m.range_expr);
    return make_expr(std::move(m), {start, last_end_});
  }
  if (!at(token_kind::colon)) return unexpected("subquery or range", "\":\" or \"]\"");
  take();
  subquery s;
  s.inner = std::move(e);
  set_duration(std::move(range), s.range, s.range_expr);
  if (!at(token_kind::right_bracket)) {
    if (!starts_duration(peek().kind)) return unexpected(step_context);
    expr_ptr step = parse_positive_duration(step_context);
    if (!step) return nullptr;
    if (!at(token_kind::right_bracket)) return unexpected("subquery selector", "\"]\"");
    set_duration(std::move(step), s.step, s.step_expr);
  }
  take();
  return make_expr(std::move(s), {start, last_end_});
}

void parser::parse_offset(expr& e) {
  expr_ptr value = parse_offset_value();
  if (!value) return;
  auto m = modifiers_of(e);
  if (!m) {
    error_at(e.range,
             "offset modifier must be preceded by an instant vector selector or range vector "
             "selector or a subquery");
    return;
  }
  if (m->offset->count() != 0 || *m->offset_expr)
    error_at(e.range, "offset may not be set multiple times");
  else
    set_duration(std::move(value), *m->offset, *m->offset_expr);
  e.range.end = last_end_;
}

// @ <number>, @ start(), @ end().
void parser::parse_at(expr& e) {
  at_modifier when;
  if (peek().kind == token_kind::start || peek().kind == token_kind::end) {
    when.what =
        take().kind == token_kind::start ? at_modifier::kind::start : at_modifier::kind::end;
    if (!expect(token_kind::left_paren, at_context) || !expect(token_kind::right_paren, at_context))
      return;
  } else {
    bool negative = at(token_kind::sub);
    if (negative || at(token_kind::add)) take();
    if (!at(token_kind::number) && !at(token_kind::duration)) {
      unexpected(at_context);
      return;
    }
    token t = take();
    double seconds = t.kind == token_kind::number ? number_value(t) : duration_value(t);
    if (negative) seconds = -seconds;
    constexpr double limit = 9223372036854775807.0;  // Prometheus's bound, in seconds
    if (!std::isfinite(seconds) || seconds >= limit || seconds <= -limit)
      error_at(e.range, "timestamp out of bounds for @ modifier: " + format_fixed(seconds));
    double millis = std::round(seconds * 1000.0);
    when.what = at_modifier::kind::time;
    when.time = std::isnan(millis) ? 0
                : millis >= limit  ? INT64_MAX
                : millis <= -limit ? INT64_MIN
                                   : static_cast<timestamp>(millis);
  }
  auto m = modifiers_of(e);
  if (!m) {
    error_at(e.range,
             "@ modifier must be preceded by an instant vector selector or range vector selector "
             "or a subquery");
    return;
  }
  if (m->at->is_set()) {
    error_at(e.range, "@ <timestamp> may not be set multiple times");
    return;
  }
  *m->at = when;
  e.range.end = last_end_;
}

void parser::set_extended_modifier(expr& e, const token& modifier) {
  bool anchored = modifier.kind == token_kind::anchored;
  std::string name{anchored ? "anchored" : "smoothed"};
  if (!options_.extended_range_selectors) {
    error_at(e.range, name + " modifier is experimental and not enabled");
    return;
  }
  if (e.is<subquery>()) {
    error_at(e.range, name + " modifier is not supported for subqueries");
    return;
  }
  expr* target = e.is<matrix_selector>() ? e.as<matrix_selector>().selector.get() : &e;
  if (!target->is<vector_selector>()) {
    error_at(e.range, name + " modifier not implemented");
    return;
  }
  auto& v = target->as<vector_selector>();
  (anchored ? v.anchored : v.smoothed) = true;
  if (v.anchored && v.smoothed)
    error_at(e.range, "anchored and smoothed modifiers cannot be used together");
}

// What may follow `offset`. A literal, step(), min()/max() or a signed
// parenthesis ends the offset (`x offset 5m + 1` adds 1 to x offset 5m);
// after an unsigned parenthesis further arithmetic still belongs to the
// duration, as Prometheus's grammar has it.
expr_ptr parser::parse_offset_value() {
  token sign = peek();
  bool is_signed = sign.kind == token_kind::add || sign.kind == token_kind::sub;
  if (is_signed) take();
  switch (peek().kind) {
    case token_kind::number:
    case token_kind::duration: {
      expr_ptr literal = parse_duration_literal(take());
      return is_signed ? negate_duration(sign, std::move(literal)) : std::move(literal);
    }
    case token_kind::step:
    case token_kind::min:
    case token_kind::max: {
      expr_ptr call = parse_duration_call(take(), offset_context);
      if (!call || !is_signed) return call;
      return negate_duration(sign, std::move(call));
    }
    case token_kind::left_paren: {
      size_t open = take().pos;
      expr_ptr inner = parse_duration(1, offset_context);
      if (!inner || !expect(token_kind::right_paren, offset_context)) return nullptr;
      if (inner->is<duration_expr>()) inner->as<duration_expr>().wrapped = true;
      if (is_signed) return negate_duration(sign, std::move(inner));
      if (!options_.duration_expressions)
        error_at(inner->range, "experimental duration expression is not enabled");
      return continue_offset(std::move(inner), {open, last_end_});
    }
    default:
      break;
  }
  if (!is_signed) return unexpected(offset_context);
  expr_ptr operand = parse_duration(pow_precedence, offset_context);
  if (!operand) return nullptr;
  operand = negate_duration(sign, std::move(operand));
  position_range range = operand->range;
  return continue_offset(std::move(operand), range);
}

// More arithmetic after an offset's first operand. A literal operand is kept
// in parentheses: printed bare it would end the offset when parsed again.
expr_ptr parser::continue_offset(expr_ptr lhs, position_range range) {
  if (lhs->is<number_literal>() && duration_precedence(peek().kind) > 0)
    lhs = make_expr(paren{std::move(lhs)}, range);
  return parse_duration_rest(std::move(lhs), 1, offset_context);
}

}  // namespace vigil::promql::detail
