#pragma once

// The tokens of PromQL and of the series notation of test scripts, and how
// error messages describe them (Prometheus's wording: `identifier "foo"`,
// `<op:+>`, `<aggr:sum>`, `<by>`, `"("`, `end of input`).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::promql {

enum class token_kind {
  eof,
  error,  ///< the lexer's message is the token text
  comment,
  identifier,
  metric_identifier,  ///< an identifier with a colon
  string,             ///< text keeps the quotes
  number,
  duration,
  left_paren,
  right_paren,
  left_brace,
  right_brace,
  left_bracket,
  right_bracket,
  comma,
  assign,  ///< "=" (label matchers)
  colon,
  // Series notation only.
  space,
  blank,  ///< "_"
  times,  ///< "x"
  open_hist,
  // Operators.
  add,
  sub,
  mul,
  div,
  mod,
  pow,
  eqlc,  ///< "=="
  neq,
  lte,
  lss,
  gte,
  gtr,
  eql_regex,
  neq_regex,
  land,
  lor,
  lunless,
  atan2,
  at,
  // Aggregators.
  avg,
  bottomk,
  count,
  count_values,
  group,
  max,
  min,
  quantile,
  stddev,
  stdvar,
  sum,
  topk,
  limitk,
  limit_ratio,
  // Keywords.
  bool_,
  by,
  group_left,
  group_right,
  ignoring,
  offset,
  smoothed,
  anchored,
  on,
  without,
  // @ and duration preprocessors.
  start,
  end,
  step,
};

/// One token: its kind, byte offset and text (a view of the input, or the
/// message of an error token).
struct token {
  token_kind kind = token_kind::eof;
  size_t pos = 0;
  std::string_view text;

  [[nodiscard]] size_t end() const { return pos + text.size(); }
};

/// The token a word lexes to, case-insensitively ("SUM", "by", "inf"), or
/// nothing for an ordinary identifier.
[[nodiscard]] std::optional<token_kind> keyword(std::string_view word);

[[nodiscard]] bool is_operator(token_kind k) noexcept;
[[nodiscard]] bool is_aggregator(token_kind k) noexcept;
/// by, without, on, ignoring, group_left, group_right, bool, offset, ...
[[nodiscard]] bool is_keyword(token_kind k) noexcept;

/// How an "unexpected ..." message names the token, as Prometheus does.
[[nodiscard]] std::string describe(const token& t);

}  // namespace vigil::promql
