#pragma once

// The log writer: frames records (log_format.hpp) and appends each batch
// to the current segment with one write, rolling to a new segment when the
// batch would push it past the configured size. Durability follows the sync
// mode through group_commit:
//  - always: `append` returns once the batch is fsynced; concurrent
//    appenders share fsyncs (group commit).
//  - batch: `append` returns once written; a syncer thread fsyncs at most
//    once per `batch_interval` while unsynced data exists, then publishes
//    the durable position (`wait_durable`, `on_durable`).
//  - never: nothing is fsynced; durable == written (survives a process
//    crash, not a power loss).
// When rolling in always/batch mode the finished segment is fsynced before
// the next is created (and the directory synced), so only the last segment
// can ever end in a torn record.
//
// Threading: all members may be called from any thread. Appends are
// serialised by a mutex (framing and checksums are computed before taking
// it); fsyncs run outside it, concurrently with later appends. A failed
// write or fsync leaves the file in an unknown state, so it is sticky: every
// later append and wait returns it; reopen the log (replay repairs the
// tail) to continue.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "storage/base/expected.hpp"
#include "storage/base/file_system.hpp"
#include "storage/wal/group_commit.hpp"
#include "storage/wal/log_format.hpp"

namespace vigil::wal {

/// When appended data is fsynced.
enum class sync_mode { always, batch, never };

/// How a log writes and syncs (plain data; the runtime maps `wal_config`).
struct options {
  /// Roll to a new segment past this size, in [min_segment_size,
  /// max_segment_size]. A batch larger than a segment gets one to itself.
  uint64_t segment_size = default_segment_size;
  sync_mode sync = sync_mode::batch;
  /// In batch mode, the least time between two fsyncs.
  std::chrono::milliseconds batch_interval{10};
};

/// Checks `opts` against the documented bounds; errc::invalid_argument.
[[nodiscard]] std::optional<error> validate(const options& opts);

/// One record to append: an application type (not 0) and its payload.
struct record_view {
  uint8_t type = 0;
  std::string_view payload;
};

/// Appends `record` framed (header, checksum, payload) to `out`.
void frame_record(std::string& out, record_view record);

class writer {
 public:
  /// Creates segment `segment` in the existing directory `dir` (replacing
  /// a file of that name) and, in batch mode, starts the syncer thread.
  /// `fs` must outlive the writer. Errors: invalid options, I/O.
  [[nodiscard]] static expected<std::unique_ptr<writer>> create(file_system& fs, std::string dir,
                                                                uint32_t segment, options opts);

  /// Closes the log, ignoring errors (call `close` to see them).
  ~writer();
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  /// Appends `records` as one batch with one write and returns the
  /// position just past them; in always mode only once they are durable.
  /// Errors: invalid_argument (no records, type 0), limit_exceeded (a
  /// payload over max_record_length or a batch over max_batch_bytes),
  /// unavailable (closed), the sticky I/O failure.
  [[nodiscard]] expected<uint64_t> append(std::span<const record_view> records);
  [[nodiscard]] expected<uint64_t> append(record_view record) { return append({&record, 1}); }

  /// Blocks until `position` (one `append` returned) is durable. Errors:
  /// invalid_argument for a position not yet written, the sticky failure.
  [[nodiscard]] std::optional<error> wait_durable(uint64_t position);

  /// Registers `fn` to be called with each new durable position: on the
  /// syncer thread in batch mode, on the appending thread that led the
  /// fsync in always mode, on the appending thread in never mode, and on
  /// the closing thread for the final sync. Calls never overlap and their
  /// positions increase. `fn` must be quick and must not call into the
  /// writer. Register before appending to see every position.
  void on_durable(std::function<void(uint64_t durable_position)> fn);

  /// Starts a new segment now (no-op if the current one is empty), so the
  /// segments before `segment()` can be checkpointed. Errors: as `append`.
  [[nodiscard]] std::optional<error> roll();

  /// Syncs (except in never mode), stops the syncer and closes the file.
  /// Later appends fail with unavailable. Idempotent.
  [[nodiscard]] std::optional<error> close();

  /// The position just past the last appended batch (0 before any).
  [[nodiscard]] uint64_t written_position() const;
  /// The highest position known durable.
  [[nodiscard]] uint64_t durable_position() const { return commit_.durable(); }
  /// The number of the segment being written.
  [[nodiscard]] uint32_t segment() const;

 private:
  writer(file_system& fs, std::string dir, uint32_t segment, options opts);
  [[nodiscard]] std::optional<error> open_segment_locked(uint32_t segment);
  [[nodiscard]] std::optional<error> roll_locked();
  [[nodiscard]] expected<uint64_t> sync_current();

  file_system& fs_;
  const std::string dir_;
  const options opts_;
  mutable std::mutex mu_;                // guards the members below
  std::shared_ptr<writable_file> file_;  // shared with a leader's fsync
  uint32_t segment_ = 0;
  uint64_t offset_ = 0;   // bytes in the current segment
  uint64_t written_ = 0;  // position just past the last batch
  bool closed_ = false;
  group_commit commit_;
};

}  // namespace vigil::wal
