#include "storage/wal/segments.hpp"

#include <algorithm>
#include <charconv>

#include "storage/wal/log_format.hpp"

namespace vigil::wal {

std::string segment_name(uint32_t number) {
  std::string digits = std::to_string(number);
  if (digits.size() >= segment_name_digits) return digits;
  return std::string(segment_name_digits - digits.size(), '0') + digits;
}

std::optional<uint32_t> parse_segment_name(std::string_view name) {
  if (name.size() != segment_name_digits) return std::nullopt;
  if (!std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  uint32_t number = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), number);
  if (ec != std::errc{} || end != name.data() + name.size()) return std::nullopt;
  return number;
}

std::string checkpoint_name(uint32_t through_segment) {
  return std::string{checkpoint_prefix} + segment_name(through_segment);
}

std::optional<uint32_t> parse_checkpoint_name(std::string_view name) {
  if (!name.starts_with(checkpoint_prefix)) return std::nullopt;
  return parse_segment_name(name.substr(checkpoint_prefix.size()));
}

expected<log_dir_listing> list_log_dir(file_system& fs, const std::string& dir) {
  auto names = fs.list_dir(dir);
  if (!names) return std::move(names).error_value();
  log_dir_listing out;
  for (auto& name : *names) {
    if (auto n = parse_segment_name(name))
      out.segments.push_back(*n);
    else if (auto c = parse_checkpoint_name(name))
      out.checkpoints.push_back(*c);
    else if (name.starts_with(checkpoint_prefix) && name.ends_with(temporary_suffix))
      out.temporary.push_back(std::move(name));
  }
  std::sort(out.segments.begin(), out.segments.end());
  std::sort(out.checkpoints.begin(), out.checkpoints.end());
  return out;
}

}  // namespace vigil::wal
