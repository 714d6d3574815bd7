#pragma once

// Reading framed records back (log_format.hpp). A segment_reader walks one
// file; a reader walks a list of segments in order. Both stop at the first
// record they cannot trust and say exactly where and why (`problem()`),
// Prometheus-style: iterate while `next()` is true, then look at the
// problem. Where a record is cut short by the end of the file the verdict
// depends on whether the file is the log's last segment: there it is a torn
// tail (a crash mid-write); anywhere else it is corruption, because
// finished segments were synced before the next was created.
//
// Reads are buffered (1 MiB at a time, or a whole record if larger), so a
// segment is never loaded whole. Threading: a reader is used by one thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/expected.hpp"
#include "storage/base/file_system.hpp"

namespace vigil::wal {

/// Why reading stopped before the end of the data.
enum class problem_kind {
  torn,     ///< the last segment ends inside a record
  corrupt,  ///< a checksum mismatch, an absurd length, type 0, or a record
            ///< cut short in a segment that is not the last
  io_error  ///< the file system failed; `what` has its message
};

/// "torn", "corrupt", "io_error".
[[nodiscard]] std::string_view to_string(problem_kind kind);

/// Where and why a reader stopped.
struct read_problem {
  std::string file;     ///< path of the segment
  uint64_t offset = 0;  ///< where the bad record starts (end of the last good one)
  uint64_t file_size = 0;
  problem_kind kind = problem_kind::corrupt;
  std::string what;

  /// "corrupt at <file>:<offset>: <what>".
  [[nodiscard]] std::string to_string() const;
};

/// One record as read; `payload` stays valid until the next `next()`.
struct read_record {
  uint8_t type = 0;
  std::string_view payload;
  uint64_t offset = 0;  ///< where the record's header starts in its file
};

class segment_reader {
 public:
  /// Opens `path`. `last_segment` decides whether a record cut short by
  /// the end of the file is torn or corrupt. Errors: I/O (not_found if
  /// absent).
  [[nodiscard]] static expected<segment_reader> open(file_system& fs, std::string path,
                                                     bool last_segment);

  /// Advances to the next record; false at the end of the file or at a
  /// problem (then `problem()` is set). Stays false afterwards.
  [[nodiscard]] bool next();

  [[nodiscard]] const read_record& record() const { return record_; }
  [[nodiscard]] const std::optional<read_problem>& problem() const { return problem_; }
  /// The offset just past the last good record: where a repair truncates.
  [[nodiscard]] uint64_t good_end() const { return pos_; }
  [[nodiscard]] uint64_t file_size() const { return size_; }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  segment_reader(std::unique_ptr<readable_file> file, std::string path, uint64_t size, bool last);
  [[nodiscard]] bool fill(size_t need);
  bool stop(problem_kind kind, std::string what);

  std::unique_ptr<readable_file> file_;
  std::string path_;
  uint64_t size_;
  bool last_;
  std::string buffer_;  // bytes of the file from buffer_offset_
  uint64_t buffer_offset_ = 0;
  std::string scratch_;
  uint64_t pos_ = 0;  // next unread record
  bool done_ = false;
  read_record record_;
  std::optional<read_problem> problem_;
};

/// Reads the numbered segments of a log directory in the given order.
class reader {
 public:
  /// `segments` ascending; the last one is the log's last segment.
  reader(file_system& fs, std::string dir, std::vector<uint32_t> segments);

  /// Advances to the next record; false at the end of the log or at a
  /// problem. After a problem, `skip_segment()` moves on.
  [[nodiscard]] bool next();

  /// Abandons the rest of the current segment (after a problem) and goes
  /// on with the next; false if there is none.
  bool skip_segment();

  [[nodiscard]] const read_record& record() const { return current_->record(); }
  /// The number of the segment `record()` came from.
  [[nodiscard]] uint32_t segment() const { return segments_[index_]; }
  [[nodiscard]] const std::optional<read_problem>& problem() const { return problem_; }

 private:
  [[nodiscard]] bool open_current();

  file_system& fs_;
  std::string dir_;
  std::vector<uint32_t> segments_;
  size_t index_ = 0;
  std::optional<segment_reader> current_;
  std::optional<read_problem> problem_;
};

}  // namespace vigil::wal
