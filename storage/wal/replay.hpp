#pragma once

// Replay: reads a log directory back in write order and repairs what a
// crash can leave behind. Order: the latest checkpoint (checkpoint.N holds
// what the caller still needed from segments up to N), then every segment
// numbered above N, ascending. Segments up to N are ignored: they are
// covered by the checkpoint and merely not deleted yet.
//
// Damage never makes replay fail; it is repaired or skipped and listed in
// the report for the caller to log:
//  - a torn or corrupt tail in the last segment: the file is truncated at
//    the end of its last good record (durably) — expected after a crash;
//  - a bad record in any earlier segment or in the checkpoint: the rest of
//    that file is skipped (records after it are lost) and replay goes on;
//  - a numbering gap between segments;
//  - unfinished checkpoint directories (*.tmp) are removed.
// Only I/O errors and errors returned by the handler abort replay.
//
// Threading: runs on the caller's thread; nothing may write to `dir`
// meanwhile.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/expected.hpp"
#include "storage/base/file_system.hpp"
#include "storage/wal/reader.hpp"

namespace vigil::wal {

/// A record handed to the replay handler; `payload` is valid during the
/// call only.
struct replayed_record {
  uint8_t type = 0;
  std::string_view payload;
  /// The segment it came from; for a checkpoint record, the last segment
  /// the checkpoint covers.
  uint32_t segment = 0;
  bool from_checkpoint = false;
  uint64_t offset = 0;  ///< of the record's header in its file
};

/// What replay did about a problem.
enum class replay_action {
  truncated,     ///< the last segment was cut at `offset`
  skipped_rest,  ///< the rest of the file after `offset` was not replayed
  missing,       ///< segment `file` is absent between two present ones
};

/// "truncated", "skipped_rest", "missing".
[[nodiscard]] std::string_view to_string(replay_action action);

/// One problem found and worked around.
struct replay_issue {
  replay_action action = replay_action::skipped_rest;
  std::string file;
  uint64_t offset = 0;
  problem_kind kind = problem_kind::corrupt;
  std::string what;
  uint64_t bytes_dropped = 0;  ///< bytes from `offset` to the end of the file

  /// One line for a log: "wal: truncated <file> at <offset> (torn: ...)".
  [[nodiscard]] std::string to_string() const;
};

/// What replay read and repaired.
struct replay_report {
  std::optional<uint32_t> checkpoint;  ///< the checkpoint read, if any
  std::vector<uint32_t> segments;      ///< segments read, ascending
  uint64_t records = 0;                ///< records handed to the handler
  std::vector<replay_issue> issues;    ///< empty after a clean shutdown
  std::vector<std::string> removed;    ///< unfinished checkpoints removed
  uint32_t next_segment = 1;           ///< where a writer should continue
};

/// Called for each record in order; an error aborts replay and is
/// returned.
using replay_handler = std::function<std::optional<error>(const replayed_record&)>;

/// Replays the log in `dir` (see above). Errors: I/O errors (not_found if
/// `dir` is absent) and the handler's errors.
[[nodiscard]] expected<replay_report> replay(file_system& fs, const std::string& dir,
                                             const replay_handler& handler);

}  // namespace vigil::wal
