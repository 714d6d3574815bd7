#include "storage/wal/writer.hpp"

#include <cstring>

#include "storage/base/crc32c.hpp"
#include "storage/wal/segments.hpp"

namespace vigil::wal {
namespace {

void put_le32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = char((v >> (8 * i)) & 0xff);
}

// Per-thread framing buffer: batches are framed before taking the writer's
// mutex, and reusing the allocation keeps steady-state appends malloc-free.
std::string& framing_buffer() {
  thread_local std::string buffer;
  return buffer;
}

// A rare giant batch should not pin its allocation for the thread's life.
constexpr size_t retained_buffer_bytes = 8u << 20;

}  // namespace

std::optional<error> validate(const options& opts) {
  if (opts.segment_size < min_segment_size || opts.segment_size > max_segment_size)
    return error{errc::invalid_argument, "wal: segment size " + std::to_string(opts.segment_size) +
                                             " outside [" + std::to_string(min_segment_size) +
                                             ", " + std::to_string(max_segment_size) + "]"};
  if (opts.sync == sync_mode::batch && opts.batch_interval.count() < 0)
    return error{errc::invalid_argument, "wal: negative batch interval"};
  return std::nullopt;
}

void frame_record(std::string& out, record_view record) {
  size_t at = out.size();
  out.resize(at + record_header_size);
  out += record.payload;
  char* header = out.data() + at;
  uint32_t crc = crc32c::extend(0, &record.type, 1);
  crc = crc32c::extend(crc, record.payload.data(), record.payload.size());
  put_le32(header + length_offset, uint32_t(record.payload.size()));
  put_le32(header + crc_offset, crc);
  header[type_offset] = char(record.type);
}

// Everything before the first segment is durable already: it was replayed
// (and repaired) before a writer is created.
writer::writer(file_system& fs, std::string dir, uint32_t segment, options opts)
    : fs_(fs),
      dir_(std::move(dir)),
      opts_(opts),
      written_(make_position(segment, 0)),
      commit_([this] { return sync_current(); }, make_position(segment, 0)) {}

expected<std::unique_ptr<writer>> writer::create(file_system& fs, std::string dir, uint32_t segment,
                                                 options opts) {
  if (auto err = validate(opts)) return std::move(*err);
  std::unique_ptr<writer> w(new writer(fs, std::move(dir), segment, opts));
  {
    std::lock_guard lock(w->mu_);
    if (auto err = w->open_segment_locked(segment)) return std::move(*err);
  }
  if (opts.sync == sync_mode::batch) w->commit_.start_syncer(opts.batch_interval);
  return w;
}

writer::~writer() {
  (void)close();
}

expected<uint64_t> writer::append(std::span<const record_view> records) {
  if (records.empty()) return error{errc::invalid_argument, "wal: empty batch"};
  std::string& batch = framing_buffer();
  batch.clear();
  for (const auto& r : records) {
    if (r.type == invalid_record_type)
      return error{errc::invalid_argument, "wal: record type 0 is reserved"};
    if (r.payload.size() > max_record_length)
      return error{errc::limit_exceeded, "wal: record of " + std::to_string(r.payload.size()) +
                                             " bytes exceeds " + std::to_string(max_record_length)};
    frame_record(batch, r);
    if (batch.size() > max_batch_bytes)
      return error{errc::limit_exceeded, "wal: batch exceeds " + std::to_string(max_batch_bytes)};
  }
  uint64_t position;
  {
    std::lock_guard lock(mu_);
    if (closed_) return error{errc::unavailable, "wal: closed"};
    if (auto failed = commit_.failure()) return std::move(*failed);
    if (offset_ > 0 && offset_ + batch.size() > opts_.segment_size) {
      if (auto err = roll_locked()) return std::move(*err);
    }
    if (auto err = file_->append(batch)) {
      commit_.fail(*err);
      return std::move(*err);
    }
    offset_ += batch.size();
    written_ = position = make_position(segment_, uint32_t(offset_));
  }
  if (batch.capacity() > retained_buffer_bytes) std::string{}.swap(batch);
  commit_.written(position);
  if (opts_.sync != sync_mode::batch) {
    if (auto err = commit_.sync_through(position)) return std::move(*err);
  }
  return position;
}

std::optional<error> writer::wait_durable(uint64_t position) {
  if (position > written_position())
    return error{errc::invalid_argument,
                 "wal: position " + std::to_string(position) + " has not been written"};
  // In batch mode the syncer owns fsyncs; elsewhere a waiter may lead one
  // (in never mode that only publishes).
  if (opts_.sync == sync_mode::batch) return commit_.wait(position);
  return commit_.sync_through(position);
}

void writer::on_durable(std::function<void(uint64_t)> fn) {
  commit_.on_durable(std::move(fn));
}

std::optional<error> writer::roll() {
  std::lock_guard lock(mu_);
  if (closed_) return error{errc::unavailable, "wal: closed"};
  if (auto failed = commit_.failure()) return failed;
  if (offset_ == 0) return std::nullopt;
  return roll_locked();
}

std::optional<error> writer::close() {
  uint64_t last;
  {
    std::lock_guard lock(mu_);
    if (closed_) return std::nullopt;
    closed_ = true;
    last = written_;
  }
  commit_.stop_syncer();
  std::optional<error> result;
  if (opts_.sync != sync_mode::never) result = commit_.sync_through(last);
  // Nobody syncs past `last` any more (no writes since closed_), so this
  // thread holds the only use of the file.
  std::shared_ptr<writable_file> file;
  {
    std::lock_guard lock(mu_);
    file = std::move(file_);
  }
  if (file) {
    auto closed = file->close();
    if (!result) result = std::move(closed);
  }
  return result;
}

uint64_t writer::written_position() const {
  std::lock_guard lock(mu_);
  return written_;
}

uint32_t writer::segment() const {
  std::lock_guard lock(mu_);
  return segment_;
}

std::optional<error> writer::open_segment_locked(uint32_t segment) {
  if (segment < first_segment_number || segment > last_segment_number)
    return error{errc::limit_exceeded,
                 "wal: segment number " + std::to_string(segment) + " out of range"};
  auto file = fs_.open_writable(join_path(dir_, segment_name(segment)));
  if (!file) return std::move(file).error_value();
  // The new name must survive a crash, or replay would miss the segment.
  if (opts_.sync != sync_mode::never) {
    if (auto err = fs_.sync_dir(dir_)) return err;
  }
  file_ = std::move(*file);
  segment_ = segment;
  offset_ = 0;
  return std::nullopt;
}

std::optional<error> writer::roll_locked() {
  // Syncing the finished segment first keeps torn records out of every
  // segment but the last; a leader may still hold and sync the old file,
  // which is why it is shared and closed by its last owner.
  std::optional<error> err;
  if (opts_.sync != sync_mode::never) err = file_->sync();
  if (!err) err = open_segment_locked(segment_ + 1);
  if (err) commit_.fail(*err);
  return err;
}

expected<uint64_t> writer::sync_current() {
  std::shared_ptr<writable_file> file;
  uint64_t target;
  {
    std::lock_guard lock(mu_);
    file = file_;
    target = written_;
  }
  if (opts_.sync == sync_mode::never || !file) return target;
  if (auto err = file->sync()) return std::move(*err);
  return target;
}

}  // namespace vigil::wal
