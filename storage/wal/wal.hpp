#pragma once

// The write-ahead log as the head uses it: open = replay + repair + a
// writer on a fresh segment; then append, wait for or be told about
// durability, checkpoint and delete old segments. The pieces (writer,
// reader, replay, checkpoint) are usable on their own; this class only
// sequences them.
//
// Threading: append, wait_durable, the position accessors and roll may be
// called from any thread concurrently (see writer.hpp). checkpoint and
// truncate_before may run concurrently with those but not with each other.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "storage/base/expected.hpp"
#include "storage/base/file_system.hpp"
#include "storage/wal/checkpoint.hpp"
#include "storage/wal/replay.hpp"
#include "storage/wal/writer.hpp"

namespace vigil::wal {

class write_ahead_log {
 public:
  /// Opens the log in `dir`, creating the directory (not its parents) if
  /// absent: replays it through `handler` (replay.hpp), deletes what the
  /// latest checkpoint makes obsolete, and starts writing the next segment.
  /// `fs` must outlive the log. Errors: invalid options, I/O, the
  /// handler's errors.
  [[nodiscard]] static expected<std::unique_ptr<write_ahead_log>> open(
      file_system& fs, std::string dir, options opts, const replay_handler& handler);

  /// What replay found; log its issues.
  [[nodiscard]] const replay_report& replayed() const { return report_; }

  /// See writer::append.
  [[nodiscard]] expected<uint64_t> append(std::span<const record_view> records) {
    return writer_->append(records);
  }
  [[nodiscard]] expected<uint64_t> append(record_view record) { return writer_->append(record); }

  /// See writer::wait_durable.
  [[nodiscard]] std::optional<error> wait_durable(uint64_t position) {
    return writer_->wait_durable(position);
  }

  /// See writer::on_durable (which thread runs `fn`, and its limits).
  void on_durable(std::function<void(uint64_t)> fn) { writer_->on_durable(std::move(fn)); }

  /// See writer::roll.
  [[nodiscard]] std::optional<error> roll() { return writer_->roll(); }

  /// Writes checkpoint.<through_segment> holding `records`, the caller's
  /// still-needed data from segments up to `through_segment`, and deletes
  /// older checkpoints. Call `truncate_before(through_segment + 1)` next.
  /// Errors: invalid_argument unless `through_segment` < `segment()` (roll
  /// first) and newer than the last checkpoint; I/O.
  [[nodiscard]] std::optional<error> checkpoint(uint32_t through_segment,
                                                std::span<const record_view> records);

  /// Deletes the segments numbered below `segment`, whose data the caller
  /// has persisted or checkpointed. Errors: invalid_argument if `segment`
  /// is past the one being written; I/O.
  [[nodiscard]] std::optional<error> truncate_before(uint32_t segment);

  /// See writer::close.
  [[nodiscard]] std::optional<error> close() { return writer_->close(); }

  [[nodiscard]] uint64_t written_position() const { return writer_->written_position(); }
  [[nodiscard]] uint64_t durable_position() const { return writer_->durable_position(); }
  /// The number of the segment being written.
  [[nodiscard]] uint32_t segment() const { return writer_->segment(); }
  [[nodiscard]] const std::string& dir() const { return dir_; }

 private:
  write_ahead_log(file_system& fs, std::string dir, replay_report report,
                  std::unique_ptr<writer> w);

  file_system& fs_;
  std::string dir_;
  replay_report report_;
  std::unique_ptr<writer> writer_;
};

}  // namespace vigil::wal
