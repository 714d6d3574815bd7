#include "storage/wal/checkpoint.hpp"

#include "storage/wal/log_format.hpp"
#include "storage/wal/segments.hpp"

namespace vigil::wal {

expected<std::unique_ptr<checkpoint_writer>> checkpoint_writer::create(file_system& fs,
                                                                       std::string dir,
                                                                       uint32_t through_segment) {
  if (through_segment < first_segment_number)
    return error{errc::invalid_argument, "wal: checkpoint through segment 0"};
  auto listing = list_log_dir(fs, dir);
  if (!listing) return std::move(listing).error_value();
  if (!listing->checkpoints.empty() && listing->checkpoints.back() >= through_segment)
    return error{errc::invalid_argument, "wal: checkpoint through " +
                                             segment_name(through_segment) + " is not newer than " +
                                             checkpoint_name(listing->checkpoints.back())};
  std::unique_ptr<checkpoint_writer> w(new checkpoint_writer(fs, std::move(dir), through_segment));
  // A leftover from a crashed attempt at the same checkpoint is garbage.
  if (auto err = remove_tree(fs, w->tmp_dir_); err && err->code != errc::not_found)
    return std::move(*err);
  if (auto err = fs.create_dir(w->tmp_dir_)) return std::move(*err);
  auto file = fs.open_writable(join_path(w->tmp_dir_, checkpoint_file_name));
  if (!file) return std::move(file).error_value();
  w->file_ = std::move(*file);
  return w;
}

checkpoint_writer::checkpoint_writer(file_system& fs, std::string dir, uint32_t through)
    : fs_(fs),
      dir_(std::move(dir)),
      through_(through),
      tmp_dir_(join_path(dir_, checkpoint_name(through) + std::string{temporary_suffix})) {}

checkpoint_writer::~checkpoint_writer() {
  if (committed_) return;
  file_.reset();
  (void)remove_tree(fs_, tmp_dir_);
}

std::optional<error> checkpoint_writer::append(std::span<const record_view> records) {
  if (committed_ || !file_) return error{errc::invalid_argument, "wal: checkpoint already ended"};
  buffer_.clear();
  for (const auto& r : records) {
    if (r.type == invalid_record_type)
      return error{errc::invalid_argument, "wal: record type 0 is reserved"};
    if (r.payload.size() > max_record_length)
      return error{errc::limit_exceeded, "wal: checkpoint record exceeds the maximum length"};
    frame_record(buffer_, r);
  }
  return file_->append(buffer_);
}

std::optional<error> checkpoint_writer::commit() {
  if (committed_ || !file_) return error{errc::invalid_argument, "wal: checkpoint already ended"};
  const std::string final_dir = join_path(dir_, checkpoint_name(through_));
  std::optional<error> err = file_->sync();
  if (!err) err = file_->close();
  file_.reset();
  if (!err) err = fs_.sync_dir(tmp_dir_);
  if (!err) err = fs_.rename(tmp_dir_, final_dir);
  if (err) return err;  // the destructor removes the tmp directory
  committed_ = true;
  if (auto sync_err = fs_.sync_dir(dir_)) return sync_err;
  return remove_checkpoints_before(fs_, dir_, through_);
}

std::optional<error> write_checkpoint(file_system& fs, const std::string& dir,
                                      uint32_t through_segment,
                                      std::span<const record_view> records) {
  auto w = checkpoint_writer::create(fs, dir, through_segment);
  if (!w) return std::move(w).error_value();
  if (auto err = (*w)->append(records)) return err;
  return (*w)->commit();
}

std::optional<error> remove_segments_before(file_system& fs, const std::string& dir,
                                            uint32_t segment) {
  auto listing = list_log_dir(fs, dir);
  if (!listing) return std::move(listing).error_value();
  bool removed = false;
  for (uint32_t s : listing->segments) {
    if (s >= segment) break;
    if (auto err = fs.remove_file(join_path(dir, segment_name(s)))) return err;
    removed = true;
  }
  return removed ? fs.sync_dir(dir) : std::nullopt;
}

std::optional<error> remove_checkpoints_before(file_system& fs, const std::string& dir,
                                               uint32_t keep) {
  auto listing = list_log_dir(fs, dir);
  if (!listing) return std::move(listing).error_value();
  bool removed = false;
  for (uint32_t c : listing->checkpoints) {
    if (c >= keep) break;
    if (auto err = remove_tree(fs, join_path(dir, checkpoint_name(c)))) return err;
    removed = true;
  }
  return removed ? fs.sync_dir(dir) : std::nullopt;
}

std::optional<error> remove_tree(file_system& fs, const std::string& path) {
  auto names = fs.list_dir(path);
  if (!names) return std::move(names).error_value();
  for (const auto& name : *names)
    if (auto err = fs.remove_file(join_path(path, name))) return err;
  return fs.remove_dir(path);
}

}  // namespace vigil::wal
