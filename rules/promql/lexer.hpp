#pragma once

// The PromQL lexer, a rewrite of Prometheus's state machine
// (promql/parser/lex.go) that keeps its observable behaviour: the same
// tokens, the same positions and the same error messages. It tracks enough
// context to lex what the parser will see: inside braces keywords are plain
// identifiers; inside brackets only durations, numbers, arithmetic, step(),
// min() and max() are allowed; unbalanced parentheses and brackets are
// reported at the end of input.
//
// In series notation (test scripts' `metric{a="b"} 1+2x3 _ stale`) the
// values after the labels lex as numbers, blanks, `x`, signs and spaces.
//
// Not thread-safe; the input must outlive the lexer and its tokens.

#include <string>
#include <string_view>

#include "rules/promql/token.hpp"

namespace vigil::promql {

class lexer {
 public:
  /// `series_notation`: lex a series description instead of a query.
  explicit lexer(std::string_view input, bool series_notation = false)
      : in_(input), series_(series_notation) {}

  /// The next token, comments included. An error token carries the message
  /// as its text; after an error or the end of input every call returns eof.
  [[nodiscard]] token next();

 private:
  enum class mode { statements, braces, duration_expr, values, done };

  token lex_statement();
  token lex_inside_braces();
  token lex_duration_expr();
  token lex_value();
  token lex_string(char quote_char);
  token lex_raw_string();
  token lex_number_or_duration();
  token lex_word();
  token lex_comment();
  token after_bracket_word(char first);
  token paren(int c);

  bool scan_number();
  bool scan_duration_rest();
  bool scan_duration_keyword(token_kind& kind);
  bool scan_escape(char quote_char);

  int peek() const { return pos_ < in_.size() ? static_cast<unsigned char>(in_[pos_]) : -1; }
  bool accept(std::string_view set);
  void accept_run(std::string_view set);
  void skip_spaces();
  token emit(token_kind kind);
  token fail(std::string message);

  std::string_view in_;
  bool series_;
  mode mode_ = mode::statements;
  size_t pos_ = 0;
  size_t start_ = 0;
  int paren_depth_ = 0;
  bool brace_open_ = false;
  bool bracket_open_ = false;
  bool got_colon_ = false;     // a ':' since the last '['
  bool got_duration_ = false;  // a number since the last '['
  std::string error_;
};

}  // namespace vigil::promql
