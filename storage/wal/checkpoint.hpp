#pragma once

// Checkpoints and segment deletion. A checkpoint "checkpoint.N" holds the
// records the caller still needs from segments 1..N (typically the series
// records of live series), so those segments can be deleted. It appears
// atomically: records go to "checkpoint.N.tmp/00000000", which is fsynced,
// the tmp directory is fsynced and renamed to "checkpoint.N", and the log
// directory is fsynced. A crash at any point leaves either no checkpoint.N
// (replay removes the tmp directory) or a complete one. Older checkpoints
// are deleted after the new one is durable.
//
// Threading: a checkpoint_writer is used by one thread. Checkpointing and
// segment deletion may run concurrently with appends to the current
// segment, but not with each other or with replay.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "storage/base/expected.hpp"
#include "storage/base/file_system.hpp"
#include "storage/wal/writer.hpp"

namespace vigil::wal {

/// Writes one checkpoint; abandons it (removes the tmp directory) unless
/// `commit` succeeds.
class checkpoint_writer {
 public:
  /// Starts checkpoint.<through_segment> in log directory `dir`. Errors:
  /// invalid_argument for segment 0 or if a checkpoint at or after
  /// `through_segment` exists (it could not be replaced atomically), I/O.
  [[nodiscard]] static expected<std::unique_ptr<checkpoint_writer>> create(
      file_system& fs, std::string dir, uint32_t through_segment);

  ~checkpoint_writer();
  checkpoint_writer(const checkpoint_writer&) = delete;
  checkpoint_writer& operator=(const checkpoint_writer&) = delete;

  /// Adds framed records (same limits as `writer::append`); large
  /// checkpoints can be written in many calls. Errors: invalid_argument,
  /// limit_exceeded, I/O.
  [[nodiscard]] std::optional<error> append(std::span<const record_view> records);

  /// Makes the checkpoint durable under its final name, then deletes
  /// older checkpoints. Errors: I/O (the checkpoint is then abandoned).
  [[nodiscard]] std::optional<error> commit();

 private:
  checkpoint_writer(file_system& fs, std::string dir, uint32_t through);

  file_system& fs_;
  std::string dir_;
  uint32_t through_;
  std::string tmp_dir_;
  std::unique_ptr<writable_file> file_;
  std::string buffer_;
  bool committed_ = false;
};

/// Writes checkpoint.<through_segment> holding `records` in one go.
[[nodiscard]] std::optional<error> write_checkpoint(file_system& fs, const std::string& dir,
                                                    uint32_t through_segment,
                                                    std::span<const record_view> records);

/// Deletes the segments of `dir` numbered below `segment`, oldest first (a
/// crash midway leaves a contiguous suffix), then syncs `dir`. Errors: I/O.
[[nodiscard]] std::optional<error> remove_segments_before(file_system& fs, const std::string& dir,
                                                          uint32_t segment);

/// Deletes checkpoints of `dir` older than checkpoint.<keep>. Errors: I/O.
[[nodiscard]] std::optional<error> remove_checkpoints_before(file_system& fs,
                                                             const std::string& dir, uint32_t keep);

/// Removes directory `path` and the files directly in it.
[[nodiscard]] std::optional<error> remove_tree(file_system& fs, const std::string& path);

}  // namespace vigil::wal
