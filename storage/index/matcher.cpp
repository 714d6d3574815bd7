#include "storage/index/matcher.hpp"

#include <re2/re2.h>

#include <algorithm>

namespace vigil::index {
namespace {

constexpr std::string_view meta_chars = "\\.+*?()|[]{}^$";

// The literal text of a regex without metacharacters (escaped punctuation
// allowed), or false when it has any.
bool as_literal(std::string_view re, std::string& out) {
  out.clear();
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\') {
      if (i + 1 >= re.size()) return false;
      char next = re[++i];
      if (meta_chars.find(next) == std::string_view::npos) return false;  // \d, \w, ...
      out += next;
    } else if (meta_chars.find(c) != std::string_view::npos) {
      return false;
    } else {
      out += c;
    }
  }
  return true;
}

// Splits a|b|c at top-level bars; false if any alternative is not literal.
bool as_literal_set(std::string_view re, std::vector<std::string>& out) {
  out.clear();
  std::string lit;
  size_t start = 0;
  for (size_t i = 0; i <= re.size(); ++i) {
    if (i < re.size() && re[i] == '\\') {
      ++i;
      continue;
    }
    if (i == re.size() || re[i] == '|') {
      if (!as_literal(re.substr(start, i - start), lit)) return false;
      out.push_back(lit);
      start = i + 1;
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return true;
}

}  // namespace

expected<matcher> matcher::make(match_op op, std::string name, std::string value) {
  matcher m{op, std::move(name), std::move(value)};
  if (op == match_op::equal || op == match_op::not_equal) {
    m.set_ = {m.value_};
    return m;
  }
  std::string_view re = m.value_;
  std::string lit;
  if (as_literal_set(re, m.set_)) {
    m.shape_ = shape::literal_set;
  } else if (re == ".*") {
    m.shape_ = shape::any;
  } else if (re == ".+") {
    m.shape_ = shape::non_empty;
  } else if (re.size() > 4 && re.starts_with(".*") && re.ends_with(".*") &&
             as_literal(re.substr(2, re.size() - 4), lit)) {
    m.shape_ = shape::contains;
    m.affix_ = lit;
  } else if (re.ends_with(".*") && as_literal(re.substr(0, re.size() - 2), lit)) {
    m.shape_ = shape::prefix;
    m.affix_ = lit;
  } else if (re.starts_with(".*") && as_literal(re.substr(2), lit)) {
    m.shape_ = shape::suffix;
    m.affix_ = lit;
  } else {
    m.shape_ = shape::regex;
  }
  m.set_.clear();
  if (m.shape_ == shape::literal_set) as_literal_set(re, m.set_);
  // Always compile: an invalid regex must be an error even if a fast path
  // would have taken it, and the regex shape needs it.
  RE2::Options opts;
  opts.set_dot_nl(true);
  opts.set_log_errors(false);
  auto compiled = std::make_shared<RE2>("^(?:" + m.value_ + ")$", opts);
  if (!compiled->ok())
    return error{errc::invalid_argument,
                 "invalid regular expression \"" + m.value_ + "\": " + compiled->error()};
  if (m.shape_ == shape::regex) m.re_ = std::move(compiled);
  return m;
}

bool matcher::positive_match(std::string_view v) const {
  switch (shape_) {
    case shape::literal_set:
      return std::binary_search(set_.begin(), set_.end(), v);
    case shape::prefix:
      return v.starts_with(affix_);
    case shape::suffix:
      return v.ends_with(affix_);
    case shape::contains:
      return v.find(affix_) != std::string_view::npos;
    case shape::any:
      return true;
    case shape::non_empty:
      return !v.empty();
    case shape::regex:
      return RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re_);
  }
  return false;
}

bool matcher::matches(std::string_view v) const {
  bool positive = op_ == match_op::equal || op_ == match_op::regex;
  return positive_match(v) == positive;
}

std::string_view to_string(match_op op) noexcept {
  static constexpr std::string_view ops[] = {"=", "!=", "=~", "!~"};
  return ops[static_cast<int>(op)];
}

std::string matcher::to_string() const {
  std::string out = name_;
  out += index::to_string(op_);
  out += '"';
  for (char c : value_) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace vigil::index
