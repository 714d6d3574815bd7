#include "rules/promql/token.hpp"

#include <algorithm>
#include <utility>

#include "rules/promql/literals.hpp"
#include "rules/promql/utf8.hpp"

namespace vigil::promql {
namespace {

constexpr std::pair<std::string_view, token_kind> keywords[] = {
    {"and", token_kind::land},
    {"or", token_kind::lor},
    {"unless", token_kind::lunless},
    {"atan2", token_kind::atan2},
    {"sum", token_kind::sum},
    {"avg", token_kind::avg},
    {"count", token_kind::count},
    {"min", token_kind::min},
    {"max", token_kind::max},
    {"group", token_kind::group},
    {"stddev", token_kind::stddev},
    {"stdvar", token_kind::stdvar},
    {"topk", token_kind::topk},
    {"bottomk", token_kind::bottomk},
    {"count_values", token_kind::count_values},
    {"quantile", token_kind::quantile},
    {"limitk", token_kind::limitk},
    {"limit_ratio", token_kind::limit_ratio},
    {"offset", token_kind::offset},
    {"smoothed", token_kind::smoothed},
    {"anchored", token_kind::anchored},
    {"by", token_kind::by},
    {"without", token_kind::without},
    {"on", token_kind::on},
    {"ignoring", token_kind::ignoring},
    {"group_left", token_kind::group_left},
    {"group_right", token_kind::group_right},
    {"bool", token_kind::bool_},
    {"start", token_kind::start},
    {"end", token_kind::end},
    {"step", token_kind::step},
    {"inf", token_kind::number},
    {"nan", token_kind::number},
};

// Go's %q of the text, cut to ten characters and marked "..." when longer
// than ten bytes (Prometheus's Item.String).
std::string quoted_text(std::string_view text) {
  if (text.size() <= 10) return quote(text);
  size_t cut = 0;
  char32_t c;
  for (int runes = 0; runes < 10 && cut < text.size(); ++runes) {
    size_t n = decode_utf8(text.substr(cut), c);
    cut += n == 0 ? 1 : n;
  }
  return quote(text.substr(0, cut)) + "...";
}

}  // namespace

std::optional<token_kind> keyword(std::string_view word) {
  if (word.size() > 12) return std::nullopt;
  std::string lower{word};
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  for (const auto& [text, kind] : keywords)
    if (text == lower) return kind;
  return std::nullopt;
}

bool is_operator(token_kind k) noexcept {
  return k >= token_kind::add && k <= token_kind::at;
}

bool is_aggregator(token_kind k) noexcept {
  return k >= token_kind::avg && k <= token_kind::limit_ratio;
}

bool is_keyword(token_kind k) noexcept {
  return k >= token_kind::bool_ && k <= token_kind::without;
}

std::string describe(const token& t) {
  std::string text{t.text};
  switch (t.kind) {
    case token_kind::eof:
      return "end of input";
    case token_kind::error:
      return "error " + quoted_text(t.text);
    case token_kind::comment:
      return "comment " + quoted_text(t.text);
    case token_kind::identifier:
      return "identifier " + quote(t.text);
    case token_kind::metric_identifier:
      return "metric identifier " + quote(t.text);
    case token_kind::string:
      return "string " + quoted_text(t.text);
    case token_kind::number:
      return "number " + quoted_text(t.text);
    case token_kind::duration:
      return "duration " + quoted_text(t.text);
    default:
      break;
  }
  if (is_keyword(t.kind)) return "<" + text + ">";
  if (is_operator(t.kind)) return "<op:" + text + ">";
  if (is_aggregator(t.kind)) return "<aggr:" + text + ">";
  return quoted_text(t.text);
}

}  // namespace vigil::promql
