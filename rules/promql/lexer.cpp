#include "rules/promql/lexer.hpp"

#include <optional>

#include "rules/promql/literals.hpp"
#include "rules/promql/utf8.hpp"

namespace vigil::promql {
namespace {

constexpr std::string_view decimal_digits = "0123456789";
constexpr std::string_view hex_digits = "0123456789abcdefABCDEF";

bool is_space(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_alpha(int c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(int c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(int c) {
  return is_alpha(c) || is_digit(c);
}

// Characters that are a token by themselves in queries and in brackets.
std::optional<token_kind> single_char_token(int c) {
  switch (c) {
    case ',':
      return token_kind::comma;
    case '+':
      return token_kind::add;
    case '-':
      return token_kind::sub;
    case '*':
      return token_kind::mul;
    case '/':
      return token_kind::div;
    case '%':
      return token_kind::mod;
    case '^':
      return token_kind::pow;
    default:
      return std::nullopt;
  }
}

}  // namespace

token lexer::next() {
  switch (mode_) {
    case mode::statements:
      return lex_statement();
    case mode::braces:
      return lex_inside_braces();
    case mode::duration_expr:
      return lex_duration_expr();
    case mode::values:
      return lex_value();
    case mode::done:
      break;
  }
  return token{token_kind::eof, pos_, {}};
}

bool lexer::accept(std::string_view set) {
  int c = peek();
  if (c < 0 || set.find(static_cast<char>(c)) == std::string_view::npos) return false;
  ++pos_;
  return true;
}

void lexer::accept_run(std::string_view set) {
  while (accept(set)) {
  }
}

void lexer::skip_spaces() {
  while (is_space(peek())) ++pos_;
  start_ = pos_;
}

token lexer::emit(token_kind kind) {
  token t{kind, start_, in_.substr(start_, pos_ - start_)};
  start_ = pos_;
  return t;
}

token lexer::fail(std::string message) {
  error_ = std::move(message);
  mode_ = mode::done;
  return token{token_kind::error, start_, error_};
}

token lexer::lex_statement() {
  skip_spaces();
  int c = peek();
  if (c == '#') return lex_comment();
  if (c < 0) {
    if (paren_depth_ != 0) return fail("unclosed left parenthesis");
    if (bracket_open_) return fail("unclosed left bracket");
    mode_ = mode::done;
    return emit(token_kind::eof);
  }
  ++pos_;
  if (auto kind = single_char_token(c)) return emit(*kind);
  switch (c) {
    case '@':
      return emit(token_kind::at);
    case '=':
      if (peek() == '~') return fail("unexpected character after '=': '~'");
      return emit(accept("=") ? token_kind::eqlc : token_kind::assign);
    case '!': {
      size_t width;
      char32_t r = decode_rune(in_.substr(pos_), width);
      pos_ += width;
      if (r != '=') return fail("unexpected character after '!': " + quote_rune(r));
      return emit(token_kind::neq);
    }
    case '<':
      return emit(accept("=") ? token_kind::lte : token_kind::lss);
    case '>':
      return emit(accept("=") ? token_kind::gte : token_kind::gtr);
    case '"':
    case '\'':
      return lex_string(static_cast<char>(c));
    case '`':
      return lex_raw_string();
    case '(':
    case ')':
      return paren(c);
    case '{':
      brace_open_ = true;
      mode_ = mode::braces;
      return emit(token_kind::left_brace);
    case '[':
      if (bracket_open_) return fail("unexpected left bracket '['");
      bracket_open_ = true;
      got_colon_ = got_duration_ = false;
      mode_ = mode::duration_expr;
      return emit(token_kind::left_bracket);
    case ']':
      if (!bracket_open_) return fail("unexpected right bracket ']'");
      bracket_open_ = false;
      return emit(token_kind::right_bracket);
    default:
      break;
  }
  if (is_digit(c) || (c == '.' && is_digit(peek()))) {
    --pos_;
    return lex_number_or_duration();
  }
  if (is_alpha(c) || c == ':') {
    if (bracket_open_) return after_bracket_word(static_cast<char>(c));
    --pos_;
    return lex_word();
  }
  size_t width;
  return fail("unexpected character: " + quote_rune(decode_rune(in_.substr(--pos_), width)));
}

// A letter or colon between a bracket's first number and its end: only the
// subquery colon and step(), min(), max() may appear there.
token lexer::after_bracket_word(char first) {
  if (first == ':') {
    if (got_colon_) return fail("unexpected colon ':'");
    got_colon_ = true;
    return emit(token_kind::colon);
  }
  token_kind kind;
  if (std::string_view{"sSmM"}.find(first) != std::string_view::npos && scan_duration_keyword(kind))
    return emit(kind);
  return fail("unexpected character: " + quote_rune(static_cast<char32_t>(first)) +
              ", expected ':'");
}

// Parentheses, counted so that unbalanced ones are reported.
token lexer::paren(int c) {
  if (c == '(') {
    ++paren_depth_;
    return emit(token_kind::left_paren);
  }
  token t = emit(token_kind::right_paren);
  if (--paren_depth_ < 0) return fail("unexpected right parenthesis ')'");
  return t;
}

token lexer::lex_inside_braces() {
  skip_spaces();
  int c = peek();
  if (c == '#') return lex_comment();
  if (c < 0) return fail("unexpected end of input inside braces");
  ++pos_;
  if (is_alpha(c)) {
    while (is_alnum(peek())) ++pos_;
    return emit(token_kind::identifier);
  }
  switch (c) {
    case ',':
      return emit(token_kind::comma);
    case '"':
    case '\'':
      return lex_string(static_cast<char>(c));
    case '`':
      return lex_raw_string();
    case '=':
      return emit(accept("~") ? token_kind::eql_regex : token_kind::assign);
    case '!': {
      size_t width;
      char32_t r = decode_rune(in_.substr(pos_), width);
      pos_ += width;
      if (r == '~') return emit(token_kind::neq_regex);
      if (r == '=') return emit(token_kind::neq);
      return fail("unexpected character after '!' inside braces: " + quote_rune(r));
    }
    case '{':
      return fail("unexpected left brace '{'");
    case '}':
      brace_open_ = false;
      mode_ = series_ ? mode::values : mode::statements;
      return emit(token_kind::right_brace);
    default:
      break;
  }
  size_t width;
  return fail("unexpected character inside braces: " +
              quote_rune(decode_rune(in_.substr(--pos_), width)));
}

token lexer::lex_duration_expr() {
  skip_spaces();
  int c = peek();
  if (c < 0) return fail("unexpected end of input in duration expression");
  ++pos_;
  switch (c) {
    case ']':
      bracket_open_ = got_colon_ = false;
      mode_ = mode::statements;
      return emit(token_kind::right_bracket);
    case ':': {
      token t = emit(token_kind::colon);
      if (!got_duration_) return fail("unexpected colon before duration in duration expression");
      if (got_colon_) return fail("unexpected repeated colon in duration expression");
      got_colon_ = true;
      return t;
    }
    case '(':
    case ')':
      return paren(c);
    default:
      break;
  }
  if (auto kind = single_char_token(c)) return emit(*kind);
  token_kind kind;
  if ((c == 's' || c == 'S' || c == 'm' || c == 'M') && scan_duration_keyword(kind))
    return emit(kind);
  if (is_digit(c) || (c == '.' && is_digit(peek()))) {
    got_duration_ = true;
    mode_ = mode::statements;
    --pos_;
    return lex_number_or_duration();
  }
  size_t width;
  return fail("unexpected character in duration expression: " +
              quote_rune(decode_rune(in_.substr(start_), width)));
}

token lexer::lex_value() {
  int c = peek();
  if (c < 0) {
    mode_ = mode::statements;
    return lex_statement();
  }
  start_ = pos_++;
  if (c == '{' && peek() == '{') return fail("native histograms are not supported");
  if (is_space(c)) {
    while (is_space(peek())) ++pos_;
    return emit(token_kind::space);
  }
  switch (c) {
    case '+':
      return emit(token_kind::add);
    case '-':
      return emit(token_kind::sub);
    case 'x':
      return emit(token_kind::times);
    case '_':
      return emit(token_kind::blank);
    default:
      break;
  }
  --pos_;
  if (is_digit(c) || (c == '.' && is_digit(in_.size() > pos_ + 1 ? in_[pos_ + 1] : 0))) {
    if (!scan_number())
      return fail("bad number syntax: " + quote(in_.substr(start_, pos_ - start_)));
    return emit(token_kind::number);
  }
  if (is_alpha(c)) return lex_word();
  size_t width;
  return fail("unexpected character in series sequence: " +
              quote_rune(decode_rune(in_.substr(pos_), width)));
}

token lexer::lex_word() {
  while (is_alnum(peek()) || peek() == ':') ++pos_;
  std::string_view word = in_.substr(start_, pos_ - start_);
  token_kind kind = word.find(':') == std::string_view::npos ? token_kind::identifier
                                                             : token_kind::metric_identifier;
  if (auto k = keyword(word)) kind = *k;
  if (series_ && peek() != '{') mode_ = mode::values;
  return emit(kind);
}

token lexer::lex_comment() {
  ++pos_;  // '#'
  while (peek() >= 0 && peek() != '\n' && peek() != '\r') ++pos_;
  return emit(token_kind::comment);
}

token lexer::lex_number_or_duration() {
  if (scan_number()) return emit(token_kind::number);
  if (scan_duration_rest()) return emit(token_kind::duration);
  return fail("bad number or duration syntax: " + quote(in_.substr(start_, pos_ - start_)));
}

// Scans [.][d][d._eE]* (hex after 0x, except in series notation) as
// Prometheus does; the parser decides whether the text is a valid number.
bool lexer::scan_number() {
  size_t begin = pos_;
  std::string_view digits = decimal_digits;
  if (!series_ && accept("0") && accept("xX")) {
    accept("_");
    digits = hex_digits;
  }
  bool hex = digits.size() > 10;
  accept(".");
  accept(digits);
  bool dot = false, exponent = false;
  auto at = [&](std::string_view set) {
    int c = peek();
    return c >= 0 && set.find(static_cast<char>(c)) != std::string_view::npos;
  };
  while (at(digits) || at("._eE")) {
    if ((at(".") && dot) || (at("eE") && exponent)) {
      ++pos_;
      return false;
    }
    if (accept(".")) {
      dot = true;
      if (accept("_.") || hex) return false;
    } else if (accept("eE")) {
      exponent = true;
      accept("+-");
      if (accept("._eE") || peek() < 0) return false;
    } else if (accept("_")) {
      if (accept("._eE") || peek() < 0) return false;
    } else {
      accept_run(digits);
    }
  }
  if (pos_ == begin) return false;
  int next = peek();
  return (series_ && next == 'x') || !is_alnum(next);
}

// After a number that is not one: the rest of a duration like 1h30m.
bool lexer::scan_duration_rest() {
  if (!accept("smhdwy")) return false;
  accept("s");  // ms; nonsense like "hs" fails when the duration is parsed
  while (accept(decimal_digits)) {
    accept_run(decimal_digits);
    if (!accept("smhdw")) return false;
    accept("s");
  }
  if (is_alnum(peek())) {
    ++pos_;  // part of the bad text
    return false;
  }
  return true;
}

bool lexer::scan_duration_keyword(token_kind& kind) {
  while (is_alpha(peek())) ++pos_;
  auto k = keyword(in_.substr(start_, pos_ - start_));
  if (!k || (*k != token_kind::step && *k != token_kind::min && *k != token_kind::max))
    return false;
  kind = *k;
  return true;
}

}  // namespace vigil::promql
