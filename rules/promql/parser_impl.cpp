#include "rules/promql/parser_impl.hpp"

#include <cstdint>
#include <iterator>

#include "rules/promql/literals.hpp"
#include "storage/base/duration.hpp"

namespace vigil::promql::detail {
namespace {

// Prometheus's message (model.ParseDuration's) for a duration literal that
// vigil::parse_duration refused: an unknown unit, units out of order, or a
// value too large. The lexer guarantees digits and letters only.
std::string duration_error(std::string_view text) {
  constexpr std::string_view units[] = {"y", "w", "d", "h", "m", "s", "ms"};
  size_t next_unit = 0;  // units must go from largest to smallest
  bool ordered = true;
  for (size_t i = 0; i < text.size();) {
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    size_t start = i;
    while (i < text.size() && (text[i] < '0' || text[i] > '9')) ++i;
    std::string_view unit = text.substr(start, i - start);
    size_t u = 0;
    while (u < std::size(units) && units[u] != unit) ++u;
    if (u == std::size(units)) return "unknown unit " + quote(unit) + " in duration " + quote(text);
    ordered = ordered && u >= next_unit;
    next_unit = u + 1;
  }
  return ordered ? "duration out of range" : "not a valid duration string: " + quote(text);
}

}  // namespace

bool is_metric_name(token_kind k) noexcept {
  switch (k) {
    case token_kind::identifier:
    case token_kind::metric_identifier:
    case token_kind::by:
    case token_kind::without:
    case token_kind::land:
    case token_kind::lor:
    case token_kind::lunless:
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

bool parser::nesting::add() {
  ++added_;
  if (++p_.depth_ <= p_.options_.max_depth) return true;
  if (!p_.failed_) {
    const token& t = p_.peek();
    p_.error_at({t.pos, t.end()}, "expression nested too deeply (more than " +
                                      std::to_string(p_.options_.max_depth) + " levels)");
  }
  p_.failed_ = true;
  return false;
}

const token& parser::peek() {
  if (!lookahead_) {
    token t;
    do {
      t = lex_.next();
    } while (t.kind == token_kind::comment);
    if (t.kind == token_kind::error) error_at({t.pos, input_.size()}, std::string{t.text});
    lookahead_ = t;
  }
  return *lookahead_;
}

token parser::take() {
  token t = peek();
  lookahead_.reset();
  last_end_ = t.end();
  return t;
}

void parser::error_at(position_range range, std::string message) {
  errors_.push_back(parse_error::at(input_, range, std::move(message)));
}

std::nullptr_t parser::unexpected(std::string_view context, std::string_view expected) {
  const token& t = peek();
  if (context.empty()) context = enclosing_context_;
  if (!failed_ && t.kind != token_kind::error) {
    std::string message = "unexpected " + describe(t);
    if (!context.empty()) (message += " in ") += context;
    if (!expected.empty()) (message += ", expected ") += expected;
    error_at({t.pos, t.end()}, std::move(message));
  }
  failed_ = true;
  return nullptr;
}

double parser::number_value(const token& t) {
  auto v = parse_number(t.text);
  if (v) return *v;
  error_at({t.pos, t.end()}, "error parsing number: " + v.error_value().message);
  return 0;
}

double parser::duration_value(const token& t) {
  // Go's time.Duration (nanoseconds in an int64) bounds Prometheus's durations.
  constexpr int64_t max_millis = INT64_MAX / 1'000'000;
  auto d = vigil::parse_duration(t.text);
  if (!d) {
    error_at({t.pos, t.end()}, duration_error(t.text));
    return 0;
  }
  if (d->count() > max_millis) {
    error_at({t.pos, t.end()}, "duration out of range");
    return 0;
  }
  return static_cast<double>(d->count()) / 1000.0;
}

bool parser::expect(token_kind kind, const error_context& c) {
  if (!at(kind)) {
    unexpected(c);
    return false;
  }
  take();
  return true;
}

expr_ptr parser::parse_query() {
  if (at(token_kind::eof)) {
    error_at({0, 0}, "no expression found in input");
    return nullptr;
  }
  expr_ptr e = parse_expression(1);
  if (!e) return nullptr;
  if (!at(token_kind::eof)) return unexpected();
  return e;
}

std::optional<std::vector<index::matcher>> parser::parse_selector_only() {
  expr_ptr e;
  if (is_metric_name(peek().kind)) {
    token name = take();
    e = parse_vector_selector(&name);
  } else if (at(token_kind::left_brace)) {
    e = parse_vector_selector(nullptr);
  } else {
    unexpected();
  }
  if (!e) return std::nullopt;
  if (!at(token_kind::eof)) {
    unexpected();
    return std::nullopt;
  }
  return std::move(e->as<vector_selector>().matchers);
}

std::optional<series_desc> parser::parse_series() {
  std::vector<label> pairs;
  size_t start = peek().pos;
  if (is_metric_name(peek().kind))
    pairs.push_back({std::string{metric_name_label}, std::string{take().text}});
  if (at(token_kind::left_brace) && !parse_label_set(pairs)) return std::nullopt;
  size_t end = last_end_;
  std::vector<std::optional<double>> values;
  if (!parse_series_values(values)) return std::nullopt;
  auto metric = labels::from(std::move(pairs));
  if (!metric) {
    error_at({start, end}, metric.error_value().message);
    return std::nullopt;
  }
  return series_desc{std::move(*metric), std::move(values)};
}

}  // namespace vigil::promql::detail
