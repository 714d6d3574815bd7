#pragma once

// Internal to config/: reading a whole small file (the config itself and
// token files) with the operating system's reason on failure.

#include <filesystem>
#include <string>

#include "storage/base/expected.hpp"

namespace vigil::config::detail {

/// The contents of `path`, or `errc::io_error` with message
/// `cannot read "PATH": REASON` (REASON from strerror).
[[nodiscard]] expected<std::string> read_text_file(const std::filesystem::path& path);

}  // namespace vigil::config::detail
