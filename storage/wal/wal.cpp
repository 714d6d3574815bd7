#include "storage/wal/wal.hpp"

namespace vigil::wal {

expected<std::unique_ptr<write_ahead_log>> write_ahead_log::open(file_system& fs, std::string dir,
                                                                 options opts,
                                                                 const replay_handler& handler) {
  if (auto err = validate(opts)) return std::move(*err);
  if (auto err = fs.create_dir(dir)) return std::move(*err);
  auto report = replay(fs, dir, handler);
  if (!report) return std::move(report).error_value();
  // Leftovers of a crash between a checkpoint's rename and the deletions
  // that follow it: covered by the checkpoint, so safe to drop now.
  if (report->checkpoint) {
    if (auto err = remove_checkpoints_before(fs, dir, *report->checkpoint)) return std::move(*err);
    if (auto err = remove_segments_before(fs, dir, *report->checkpoint + 1)) return std::move(*err);
  }
  auto w = writer::create(fs, dir, report->next_segment, opts);
  if (!w) return std::move(w).error_value();
  return std::unique_ptr<write_ahead_log>(
      new write_ahead_log(fs, std::move(dir), std::move(*report), std::move(*w)));
}

write_ahead_log::write_ahead_log(file_system& fs, std::string dir, replay_report report,
                                 std::unique_ptr<writer> w)
    : fs_(fs), dir_(std::move(dir)), report_(std::move(report)), writer_(std::move(w)) {}

std::optional<error> write_ahead_log::checkpoint(uint32_t through_segment,
                                                 std::span<const record_view> records) {
  // The segment being written may still grow; a checkpoint covering it
  // would make replay skip whatever is appended after it.
  if (through_segment >= segment())
    return error{errc::invalid_argument,
                 "wal: checkpoint through " + std::to_string(through_segment) +
                     " must precede the current segment " + std::to_string(segment())};
  return write_checkpoint(fs_, dir_, through_segment, records);
}

std::optional<error> write_ahead_log::truncate_before(uint32_t segment_number) {
  if (segment_number > segment())
    return error{errc::invalid_argument, "wal: cannot delete the segment being written (" +
                                             std::to_string(segment()) + ")"};
  return remove_segments_before(fs_, dir_, segment_number);
}

}  // namespace vigil::wal
