#pragma once

// Naming of the files in a log directory (see log_format.hpp) and a
// listing that sorts them into segments, checkpoints and leftovers.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/expected.hpp"
#include "storage/base/file_system.hpp"

namespace vigil::wal {

/// "00000042" for 42.
[[nodiscard]] std::string segment_name(uint32_t number);

/// 42 for "00000042"; nullopt for anything that is not exactly
/// `segment_name_digits` decimal digits.
[[nodiscard]] std::optional<uint32_t> parse_segment_name(std::string_view name);

/// "checkpoint.00000042" for 42.
[[nodiscard]] std::string checkpoint_name(uint32_t through_segment);

/// 42 for "checkpoint.00000042"; nullopt otherwise (".tmp" names included).
[[nodiscard]] std::optional<uint32_t> parse_checkpoint_name(std::string_view name);

/// What a log directory holds.
struct log_dir_listing {
  std::vector<uint32_t> segments;      ///< ascending
  std::vector<uint32_t> checkpoints;   ///< ascending
  std::vector<std::string> temporary;  ///< names of unfinished checkpoints
};

/// Lists `dir`, ignoring names it does not recognise. Errors: those of
/// `file_system::list_dir`.
[[nodiscard]] expected<log_dir_listing> list_log_dir(file_system& fs, const std::string& dir);

}  // namespace vigil::wal
