#pragma once

// The recursive-descent parser behind parser.hpp (internal to rules/).
//
// Prometheus generates its parser with yacc; this one climbs precedences
// instead but keeps the yacc grammar's observable behaviour: the same trees
// (unary minus folds into number literals and binds tighter than * but
// looser than ^; offset, @, ranges and subqueries bind to the operand right
// before them), the same "unexpected X in <context>, expected Y" messages
// for syntax errors, and the same semantic checks during parsing. A syntax
// error stops the parse; semantic errors are collected and parsing goes on,
// so the first error reported is the one Prometheus reports.
//
// The implementation is split by topic: parser_impl.cpp (tokens, errors,
// entry points), parse_expr.cpp (operators, calls, aggregations),
// parse_modifiers.cpp (ranges, subqueries, offset, @), parse_duration.cpp
// (duration expressions), parse_selector.cpp (selectors, label sets,
// series values).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/promql/ast.hpp"
#include "rules/promql/lexer.hpp"
#include "rules/promql/parse_error.hpp"
#include "rules/promql/parser.hpp"

namespace vigil::promql::detail {

/// What a syntax error inside a construct says: "in <context>, expected <what>".
struct error_context {
  std::string_view context;
  std::string_view expected;
};

class parser {
 public:
  parser(std::string_view input, const parse_options& options, bool series_notation = false)
      : lex_(input, series_notation), input_(input), options_(options) {}

  /// The whole input as one expression (not type-checked), or nullptr.
  [[nodiscard]] expr_ptr parse_query();
  /// The whole input as one vector selector's matchers.
  [[nodiscard]] std::optional<std::vector<index::matcher>> parse_selector_only();
  /// The whole input as a series description.
  [[nodiscard]] std::optional<series_desc> parse_series();

  /// The errors found so far, in order.
  [[nodiscard]] std::vector<parse_error>& errors() { return errors_; }

 private:
  // Counts nesting for the lifetime of a parse function; add() is false
  // (after recording an error) once options.max_depth is exceeded.
  class nesting {
   public:
    explicit nesting(parser& p) : p_(p) {}
    ~nesting() { p_.depth_ -= added_; }
    nesting(const nesting&) = delete;
    nesting& operator=(const nesting&) = delete;
    [[nodiscard]] bool add();

   private:
    parser& p_;
    size_t added_ = 0;
  };

  // Tokens (comments skipped; a lexer error is recorded when first seen).
  const token& peek();
  token take();
  bool at(token_kind kind) { return peek().kind == kind; }

  // Errors. error_at() records a semantic error; unexpected() a syntax error
  // about the next token, which ends the parse.
  void error_at(position_range range, std::string message);
  std::nullptr_t unexpected(std::string_view context = {}, std::string_view expected = {});
  std::nullptr_t unexpected(const error_context& c) { return unexpected(c.context, c.expected); }
  bool expect(token_kind kind, const error_context& c);  // takes it or reports it
  double number_value(const token& t);
  double duration_value(const token& t);

  // parse_expr.cpp
  expr_ptr parse_expression(int min_precedence);
  expr_ptr parse_unary();
  expr_ptr parse_primary();
  expr_ptr parse_paren();
  expr_ptr parse_call(const token& name);
  expr_ptr parse_aggregate(const token& op);
  bool parse_call_args(std::vector<expr_ptr>& args);
  std::optional<std::vector<std::string>> parse_grouping_labels();
  bool parse_binary_modifiers(binary& b);

  // parse_modifiers.cpp
  expr_ptr parse_postfix(expr_ptr e);
  expr_ptr parse_range(expr_ptr e);
  void parse_offset(expr& e);
  expr_ptr parse_offset_value();
  expr_ptr continue_offset(expr_ptr lhs, position_range range);
  void parse_at(expr& e);
  void set_extended_modifier(expr& e, const token& modifier);

  // parse_duration.cpp
  expr_ptr parse_duration(int min_precedence, const error_context& c);
  expr_ptr parse_duration_rest(expr_ptr lhs, int min_precedence, const error_context& c);
  expr_ptr parse_duration_operand(const error_context& c);
  expr_ptr parse_duration_literal(const token& t);
  expr_ptr parse_duration_call(const token& keyword, const error_context& c);
  expr_ptr parse_positive_duration(const error_context& c);
  expr_ptr negate_duration(const token& sign, expr_ptr operand);

  // parse_selector.cpp
  expr_ptr parse_vector_selector(const token* name);
  bool parse_label_matchers(std::vector<index::matcher>& out);
  bool parse_label_matcher(std::vector<index::matcher>& out);
  bool parse_label_set(std::vector<label>& out);
  bool parse_series_values(std::vector<std::optional<double>>& out);
  bool parse_series_item(std::vector<std::optional<double>>& out);
  std::optional<double> parse_series_value();
  std::optional<uint64_t> parse_repetition();
  std::optional<std::string> unquoted(const token& t);

  lexer lex_;
  std::string_view input_;
  parse_options options_;
  std::optional<token> lookahead_;
  std::vector<parse_error> errors_;
  bool failed_ = false;  // a syntax error ended the parse
  // What an "unexpected" error without its own context says: inside an
  // aggregation's arguments, Prometheus's grammar recovers at the
  // aggregation and reports "in aggregation".
  std::string_view enclosing_context_;
  size_t last_end_ = 0;  // end of the last token taken
  size_t depth_ = 0;
};

/// Binding strength of ^, the tightest binary operator; a unary minus or
/// plus takes a ^ chain as its operand.
constexpr int pow_precedence = 6;

/// Binding strength of an operator in a duration expression (+ - 4, * / % 5,
/// ^ 6), or 0.
[[nodiscard]] int duration_precedence(token_kind k) noexcept;

/// Tokens that may name a metric: identifiers and most keywords (`sum`,
/// `by`, `offset`, ... are valid metric names where an operand is expected).
[[nodiscard]] bool is_metric_name(token_kind k) noexcept;

}  // namespace vigil::promql::detail
