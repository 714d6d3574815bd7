#pragma once

// Prometheus's relabelling: an ordered list of rules rewrites a label set
// (a target's before scraping, each scraped series' after), or drops it.
// Semantics are Prometheus 2.42's (model/relabel): regexes are RE2, fully
// anchored; source label values are joined with `separator`; `replacement`
// expands $1, ${1}, $name and ${name}; a missing source label reads as "".
//
// Thread-safety: rules are immutable once compiled and may be shared by
// threads; relabel() keeps no state.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/expected.hpp"
#include "storage/base/labels.hpp"

namespace re2 {
class RE2;
}

namespace vigil::scrape {

enum class relabel_action {
  replace,
  keep,
  drop,
  keepequal,
  dropequal,
  hashmod,
  labelmap,
  labeldrop,
  labelkeep,
  lowercase,
  uppercase,
};

/// The spelling in YAML ("keepequal").
[[nodiscard]] std::string_view to_string(relabel_action a) noexcept;
[[nodiscard]] std::optional<relabel_action> parse_relabel_action(std::string_view word) noexcept;

/// A regex as relabelling uses it: anchored at both ends, compiled once.
class relabel_regex {
 public:
  /// `(.*)`, Prometheus's default.
  relabel_regex();
  /// Compiles `^(?:pattern)$`; the error is RE2's message, with the pattern.
  [[nodiscard]] static expected<relabel_regex> compile(std::string_view pattern);

  [[nodiscard]] const std::string& pattern() const noexcept { return pattern_; }
  [[nodiscard]] const re2::RE2& re() const noexcept { return *re_; }

 private:
  std::string pattern_;
  std::shared_ptr<const re2::RE2> re_;
};

/// One entry of relabel_configs / metric_relabel_configs.
struct relabel_rule {
  std::vector<std::string> source_labels;
  std::string separator = ";";
  relabel_regex regex;
  std::string target_label;
  std::string replacement = "$1";
  uint64_t modulus = 0;
  relabel_action action = relabel_action::replace;
};

/// What is wrong with a rule's combination of fields, as Prometheus's
/// config check reports it (e.g. "relabel configuration for hashmod
/// requires non-zero modulus"), or nullopt when it is valid.
[[nodiscard]] std::optional<std::string> check(const relabel_rule& rule);

/// Applies `rules` in order to `ls` (any order, unique names). Returns
/// false when a rule dropped the set (its content is then unspecified).
/// Labels whose value becomes empty are removed, as in Prometheus.
[[nodiscard]] bool relabel(std::vector<label>& ls, std::span<const relabel_rule> rules);

}  // namespace vigil::scrape
