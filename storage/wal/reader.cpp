#include "storage/wal/reader.hpp"

#include <algorithm>

#include "storage/base/crc32c.hpp"
#include "storage/wal/log_format.hpp"
#include "storage/wal/segments.hpp"

namespace vigil::wal {
namespace {

constexpr size_t read_chunk = 1u << 20;

uint32_t get_le32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | uint8_t(p[i]);
  return v;
}

}  // namespace

std::string_view to_string(problem_kind kind) {
  switch (kind) {
    case problem_kind::torn:
      return "torn";
    case problem_kind::corrupt:
      return "corrupt";
    case problem_kind::io_error:
      return "io_error";
  }
  return "unknown";
}

std::string read_problem::to_string() const {
  return std::string{wal::to_string(kind)} + " at " + file + ":" + std::to_string(offset) + ": " +
         what;
}

expected<segment_reader> segment_reader::open(file_system& fs, std::string path,
                                              bool last_segment) {
  auto file = fs.open_readable(path);
  if (!file) return std::move(file).error_value();
  auto size = (*file)->size();
  if (!size) return std::move(size).error_value();
  return segment_reader(std::move(*file), std::move(path), *size, last_segment);
}

segment_reader::segment_reader(std::unique_ptr<readable_file> file, std::string path, uint64_t size,
                               bool last)
    : file_(std::move(file)), path_(std::move(path)), size_(size), last_(last) {}

bool segment_reader::next() {
  if (done_) return false;
  const uint64_t remaining = size_ - pos_;
  if (remaining == 0) {
    done_ = true;
    return false;
  }
  // Only the last segment may legitimately end mid-record (see reader.hpp).
  const auto cut_short = last_ ? problem_kind::torn : problem_kind::corrupt;
  if (remaining < record_header_size)
    return stop(cut_short, "incomplete record header (" + std::to_string(remaining) + " of " +
                               std::to_string(record_header_size) + " bytes)");
  if (!fill(record_header_size)) return false;
  const char* header = buffer_.data() + (pos_ - buffer_offset_);
  const uint32_t length = get_le32(header + length_offset);
  const uint32_t stored_crc = get_le32(header + crc_offset);
  const auto type = uint8_t(header[type_offset]);
  if (type == invalid_record_type)
    return stop(problem_kind::corrupt,
                length == 0 && stored_crc == 0 ? "zero-filled record header" : "record type 0");
  if (length > max_record_length)
    return stop(problem_kind::corrupt, "record length " + std::to_string(length) +
                                           " exceeds the maximum " +
                                           std::to_string(max_record_length));
  if (remaining - record_header_size < length)
    return stop(cut_short, "record of " + std::to_string(length) + " bytes cut short, " +
                               std::to_string(remaining - record_header_size) + " present");
  if (!fill(record_header_size + length)) return false;
  header = buffer_.data() + (pos_ - buffer_offset_);
  std::string_view payload{header + record_header_size, length};
  uint32_t crc = crc32c::extend(0, &type, 1);
  crc = crc32c::extend(crc, payload.data(), payload.size());
  if (crc != stored_crc) return stop(problem_kind::corrupt, "checksum mismatch");
  record_ = read_record{type, payload, pos_};
  pos_ += record_header_size + length;
  return true;
}

// Makes [pos_, pos_ + need) available in buffer_; the caller has checked
// that it lies within the file.
bool segment_reader::fill(size_t need) {
  const uint64_t end = buffer_offset_ + buffer_.size();
  if (pos_ + need <= end) return true;
  buffer_.erase(0, std::min<uint64_t>(pos_ - buffer_offset_, buffer_.size()));
  buffer_offset_ = pos_;
  const uint64_t want = std::min<uint64_t>(std::max(need, read_chunk), size_ - buffer_offset_);
  const uint64_t from = buffer_offset_ + buffer_.size();
  if (auto err = file_->read_at(from, size_t(want - buffer_.size()), scratch_))
    return stop(problem_kind::io_error, err->message);
  buffer_ += scratch_;
  if (buffer_.size() < need) return stop(problem_kind::io_error, "file shrank while reading");
  return true;
}

bool segment_reader::stop(problem_kind kind, std::string what) {
  problem_ = read_problem{path_, pos_, size_, kind, std::move(what)};
  done_ = true;
  return false;
}

reader::reader(file_system& fs, std::string dir, std::vector<uint32_t> segments)
    : fs_(fs), dir_(std::move(dir)), segments_(std::move(segments)) {}

bool reader::next() {
  while (!problem_ && index_ < segments_.size()) {
    if (!current_ && !open_current()) return false;
    if (current_->next()) return true;
    if (current_->problem()) {
      problem_ = current_->problem();
      return false;
    }
    current_.reset();
    ++index_;
  }
  return false;
}

bool reader::skip_segment() {
  problem_.reset();
  current_.reset();
  if (index_ < segments_.size()) ++index_;
  return index_ < segments_.size();
}

bool reader::open_current() {
  std::string path = join_path(dir_, segment_name(segments_[index_]));
  auto opened = segment_reader::open(fs_, path, index_ + 1 == segments_.size());
  if (!opened) {
    problem_ = read_problem{std::move(path), 0, 0, problem_kind::io_error,
                            std::move(opened).error_value().message};
    return false;
  }
  current_.emplace(std::move(*opened));
  return true;
}

}  // namespace vigil::wal
