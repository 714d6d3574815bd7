#include "rules/promql/parser.hpp"

#include "rules/promql/check.hpp"
#include "rules/promql/parser_impl.hpp"

namespace vigil::promql {

parse_result<expr_ptr> parse_expr(std::string_view input, const parse_options& options) {
  detail::parser p{input, options};
  expr_ptr e = p.parse_query();
  auto& errors = p.errors();
  // Like Prometheus, only a query without syntax errors is type-checked.
  if (errors.empty() && e) check_types(*e, input, errors);
  if (!errors.empty() || !e) return {std::nullopt, std::move(errors)};
  return {std::move(e), {}};
}

parse_result<std::vector<index::matcher>> parse_selector(std::string_view input) {
  detail::parser p{input, parse_options{}};
  auto matchers = p.parse_selector_only();
  if (!p.errors().empty() || !matchers) return {std::nullopt, std::move(p.errors())};
  return {std::move(matchers), {}};
}

parse_result<series_desc> parse_series_desc(std::string_view input) {
  detail::parser p{input, parse_options{}, true};
  auto desc = p.parse_series();
  if (!p.errors().empty() || !desc) return {std::nullopt, std::move(p.errors())};
  return {std::move(desc), {}};
}

}  // namespace vigil::promql
