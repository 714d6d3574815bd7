#pragma once

// Helpers shared by the config tests.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "config/loader.hpp"
#include "tests/support/temp_dir.hpp"

namespace vigil::config::test {

/// A raw string literal's text without its first newline, so YAML in tests
/// starts on line 1 of the literal's next line.
inline std::string yaml(std::string_view text) {
  if (!text.empty() && text.front() == '\n') text.remove_prefix(1);
  return std::string{text};
}

/// Every problem found in `text`, loaded as "test.yaml", one string each.
inline std::vector<std::string> problems(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& d : check_string(text, "test.yaml").diagnostics) out.push_back(to_string(d));
  return out;
}

/// The config in `text`; fails the test if it has problems.
inline config valid(std::string_view text) {
  auto result = check_string(text, "test.yaml");
  INFO(to_error(result.diagnostics).message);
  REQUIRE(result.ok());
  return result.value;
}

using vigil::test::temp_dir;

}  // namespace vigil::config::test
