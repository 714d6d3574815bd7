#pragma once

// Label matchers as PromQL writes them: =, !=, =~, !~. Regular expressions
// follow Prometheus 3: RE2 syntax, fully anchored, `.` matching newlines.
// Common shapes skip the regex engine: literals, alternations of literals
// (a|b|c), prefixes (abc.*), suffixes (.*abc), substrings (.*abc.*), `.*`
// and `.+`. A matcher that matches "" also selects series without the label.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/expected.hpp"

namespace re2 {
class RE2;
}

namespace vigil::index {

enum class match_op { equal, not_equal, regex, not_regex };

/// The operator as PromQL writes it: "=", "!=", "=~" or "!~".
[[nodiscard]] std::string_view to_string(match_op op) noexcept;

class matcher {
 public:
  /// Builds a matcher; an invalid regex is an invalid_argument error that
  /// quotes it and says what RE2 objected to.
  [[nodiscard]] static expected<matcher> make(match_op op, std::string name, std::string value);

  /// Whether a label value satisfies the matcher ("" for an absent label).
  [[nodiscard]] bool matches(std::string_view value) const;

  [[nodiscard]] match_op op() const { return op_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& value() const { return value_; }

  /// For = and =~ over literal alternatives: the exact values that match,
  /// so an index can look them up instead of scanning every value.
  /// Empty when the matcher is not of that shape.
  [[nodiscard]] const std::vector<std::string>& set_values() const { return set_; }

  /// "name=~\"value\"" as PromQL prints it.
  [[nodiscard]] std::string to_string() const;

 private:
  enum class shape { literal_set, prefix, suffix, contains, any, non_empty, regex };

  matcher(match_op op, std::string name, std::string value)
      : op_(op), name_(std::move(name)), value_(std::move(value)) {}
  [[nodiscard]] bool positive_match(std::string_view value) const;

  match_op op_;
  std::string name_;
  std::string value_;
  shape shape_ = shape::literal_set;
  std::vector<std::string> set_;  // literal_set: sorted values
  std::string affix_;             // prefix, suffix, contains
  std::shared_ptr<const re2::RE2> re_;
};

}  // namespace vigil::index
