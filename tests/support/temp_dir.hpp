#pragma once

// A fresh directory under the system's temporary directory, removed with
// everything in it when the object goes. Shared by every test executable.

#include <stdlib.h>  // mkdtemp

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace vigil::test {

class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "vigil-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  [[nodiscard]] const std::string& path() const { return path_; }

  /// Writes `content` to `name` (parents created) inside the directory and
  /// returns its path.
  std::filesystem::path write(const std::string& name, std::string_view content) const {
    auto p = std::filesystem::path{path_} / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream{p, std::ios::binary} << content;
    return p;
  }
  /// A path inside the directory.
  [[nodiscard]] std::string operator/(std::string_view name) const {
    return (std::filesystem::path{path_} / name).string();
  }

 private:
  std::string path_;
};

}  // namespace vigil::test
