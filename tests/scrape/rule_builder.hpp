#pragma once

// Relabel rules for tests: a compiled regex or a failed test, and a rule
// with chained setters (GCC 12 warns about designated initializers that
// leave fields to their defaults, -Wmissing-field-initializers).

#include <catch2/catch.hpp>

#include "scrape/relabel.hpp"

namespace vigil::scrape::test {

inline relabel_regex re(std::string_view pattern) {
  auto r = relabel_regex::compile(pattern);
  REQUIRE(r);
  return *r;
}

struct rule {
  relabel_rule r;
  rule& source_labels(std::vector<std::string> v) { return r.source_labels = std::move(v), *this; }
  rule& separator(std::string v) { return r.separator = std::move(v), *this; }
  rule& regex(relabel_regex v) { return r.regex = std::move(v), *this; }
  rule& target_label(std::string v) { return r.target_label = std::move(v), *this; }
  rule& replacement(std::string v) { return r.replacement = std::move(v), *this; }
  rule& modulus(uint64_t v) { return r.modulus = v, *this; }
  rule& action(relabel_action v) { return r.action = v, *this; }
  operator relabel_rule() const { return r; }
};

}  // namespace vigil::scrape::test
