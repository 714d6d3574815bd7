#pragma once

// Helpers shared by the config tests.

#include <stdlib.h>  // mkdtemp

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "config/loader.hpp"

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

/// A fresh directory under the system's temporary directory, removed with
/// everything in it when the object goes.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "vigil-config-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

  /// Writes `content` to `name` inside the directory and returns its path.
  std::filesystem::path write(const std::string& name, std::string_view content) const {
    auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream{p, std::ios::binary} << content;
    return p;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace vigil::config::test
