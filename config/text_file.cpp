#include "config/text_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace vigil::config::detail {

expected<std::string> read_text_file(const std::filesystem::path& path) {
  auto fail = [&](int err) {
    return error{errc::io_error, "cannot read \"" + path.string() + "\": " + std::strerror(err)};
  };
  // stdio rather than iostreams: it sets errno, so the message can say why.
  struct closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, closer> file{std::fopen(path.c_str(), "rb")};
  if (!file) return fail(errno);
  std::string text;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, n);
  if (std::ferror(file.get())) return fail(errno);
  return text;
}

}  // namespace vigil::config::detail
