// Vector selectors, label matchers, and the label sets and values of series
// descriptions (see parser_impl.hpp).

#include <algorithm>
#include <cstdint>

#include "rules/promql/literals.hpp"
#include "rules/promql/parser_impl.hpp"

namespace vigil::promql::detail {
namespace {

// More expanded values than a test could want: a bound on memory.
constexpr uint64_t max_series_values = 5'000'000;

std::optional<index::match_op> match_op_of(token_kind k) {
  switch (k) {
    case token_kind::assign:
      return index::match_op::equal;
    case token_kind::neq:
      return index::match_op::not_equal;
    case token_kind::eql_regex:
      return index::match_op::regex;
    case token_kind::neq_regex:
      return index::match_op::not_regex;
    default:
      return std::nullopt;
  }
}

index::matcher name_matcher(std::string name) {
  // An equality matcher has no regex to reject.
  return *index::matcher::make(index::match_op::equal, std::string{metric_name_label},
                               std::move(name));
}

}  // namespace

expr_ptr parser::parse_vector_selector(const token* name) {
  vector_selector v;
  size_t start = name ? name->pos : peek().pos;
  if (name) v.name = name->text;
  if (at(token_kind::left_brace) && !parse_label_matchers(v.matchers)) return nullptr;
  if (name) v.matchers.push_back(name_matcher(v.name));
  return make_expr(std::move(v), {start, last_end_});
}

bool parser::parse_label_matchers(std::vector<index::matcher>& out) {
  take();  // {
  while (!at(token_kind::right_brace)) {
    if (!parse_label_matcher(out)) return false;
    if (at(token_kind::comma)) {
      take();
    } else if (!at(token_kind::right_brace)) {
      unexpected("label matching", "\",\" or \"}\"");
      return false;
    }
  }
  take();
  return true;
}

// name op "value", "name" op "value", or "metric name" alone.
bool parser::parse_label_matcher(std::vector<index::matcher>& out) {
  const token& first = peek();
  size_t start = first.pos;
  std::string name;
  if (first.kind == token_kind::identifier) {
    name = take().text;
    if (!match_op_of(peek().kind)) {
      unexpected("label matching", "label matching operator");
      return false;
    }
  } else if (first.kind == token_kind::string) {
    auto text = unquoted(take());
    if (!text) return false;
    name = std::move(*text);
    if (!match_op_of(peek().kind)) {
      out.push_back(name_matcher(std::move(name)));
      return true;
    }
  } else {
    unexpected("label matching", "identifier or \"}\"");
    return false;
  }
  index::match_op op = *match_op_of(take().kind);
  if (!at(token_kind::string)) {
    unexpected("label matching", "string");
    return false;
  }
  token value_token = take();
  auto value = unquoted(value_token);
  if (!value) return false;
  auto m = index::matcher::make(op, std::move(name), std::move(*value));
  if (m)
    out.push_back(std::move(*m));
  else
    error_at({start, value_token.end()}, m.error_value().message);
  return true;
}

std::optional<std::string> parser::unquoted(const token& t) {
  auto value = unquote(t.text);
  if (value) return std::move(*value);
  error_at({t.pos, t.end()},
           "error unquoting string " + quote(t.text) + ": " + value.error_value().message);
  failed_ = true;
  return std::nullopt;
}

// {name="value", "name"="value", "metric name"} of a series description.
bool parser::parse_label_set(std::vector<label>& out) {
  take();  // {
  while (!at(token_kind::right_brace)) {
    const token& first = peek();
    if (first.kind != token_kind::identifier && first.kind != token_kind::string) {
      unexpected("label set", "identifier or \"}\"");
      return false;
    }
    bool quoted = first.kind == token_kind::string;
    token name_token = take();
    auto name = quoted ? unquoted(name_token) : std::string{name_token.text};
    if (!name) return false;
    if (quoted && !at(token_kind::assign)) {
      out.push_back({std::string{metric_name_label}, std::move(*name)});
    } else {
      if (!at(token_kind::assign)) {
        unexpected("label set", "\"=\"");
        return false;
      }
      take();
      if (!at(token_kind::string)) {
        unexpected("label set", "string");
        return false;
      }
      auto value = unquoted(take());
      if (!value) return false;
      out.push_back({std::move(*name), std::move(*value)});
    }
    if (at(token_kind::comma)) {
      take();
    } else if (!at(token_kind::right_brace)) {
      unexpected("label set", "\",\" or \"}\"");
      return false;
    }
  }
  take();
  return true;
}

// Space-separated items after the labels; trailing spaces are fine.
bool parser::parse_series_values(std::vector<std::optional<double>>& out) {
  for (;;) {
    if (at(token_kind::eof)) return true;
    if (!at(token_kind::space)) {
      unexpected("series values");
      return false;
    }
    take();
    if (at(token_kind::eof)) return true;
    if (!parse_series_item(out)) return false;
  }
}

// _, _xN, v, vxN (N+1 copies), v+dxN / v-dxN (v, v+d, ... N+1 values).
bool parser::parse_series_item(std::vector<std::optional<double>>& out) {
  std::optional<double> value;
  double increment = 0;
  if (at(token_kind::blank)) {
    take();
    if (!at(token_kind::times)) {
      out.emplace_back();
      return true;
    }
  } else {
    value = parse_series_value();
    if (!value) return false;
    if (at(token_kind::add) || at(token_kind::sub)) {
      bool minus = take().kind == token_kind::sub;
      if (!at(token_kind::number)) {
        unexpected("series values");
        return false;
      }
      increment = number_value(take());
      if (minus) increment = -increment;
      if (!at(token_kind::times)) {
        unexpected("series values");
        return false;
      }
    } else if (!at(token_kind::times)) {
      out.push_back(value);
      return true;
    }
  }
  take();  // x
  auto times = parse_repetition();
  if (!times) return false;
  // "axN" means N+1 values (the first at time 0); "_xN" means N gaps.
  uint64_t count = *times + (value ? 1 : 0);
  if (count > max_series_values - std::min<uint64_t>(out.size(), max_series_values)) {
    error_at({last_end_, last_end_},
             "too many values in series (at most " + std::to_string(max_series_values) + ")");
    failed_ = true;
    return false;
  }
  for (uint64_t i = 0; i < count; ++i) {
    out.push_back(value);
    if (value) *value += increment;
  }
  return true;
}

std::optional<double> parser::parse_series_value() {
  const token& t = peek();
  if (t.kind == token_kind::identifier) {
    if (t.text != "stale") {
      unexpected("series values", "number or \"stale\"");
      return std::nullopt;
    }
    take();
    return stale_marker();
  }
  bool minus = t.kind == token_kind::sub;
  if (minus || t.kind == token_kind::add) take();
  if (!at(token_kind::number)) {
    unexpected("series values");
    return std::nullopt;
  }
  double v = number_value(take());
  return minus ? -v : v;
}

std::optional<uint64_t> parser::parse_repetition() {
  if (!at(token_kind::number)) {
    unexpected("series values");
    return std::nullopt;
  }
  token t = take();
  uint64_t n = 0;
  const char* problem = t.text.empty() ? "invalid syntax" : nullptr;
  for (char c : t.text) {
    if (c < '0' || c > '9') {
      problem = "invalid syntax";
      break;
    }
    if (n > (UINT64_MAX - (c - '0')) / 10) {
      problem = "value out of range";
      break;
    }
    n = n * 10 + (c - '0');
  }
  if (!problem) return n;
  error_at({t.pos, t.end()}, "invalid repetition in series values: strconv.ParseUint: parsing " +
                                 quote(t.text) + ": " + problem);
  failed_ = true;
  return std::nullopt;
}

}  // namespace vigil::promql::detail
