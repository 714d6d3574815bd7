#include "runtime/wire/push_framer.hpp"

#include <algorithm>

namespace vigil::wire::push {
namespace {

// What a msgpack type byte announces: the header's size (type byte
// included), where a big-endian length field is (bytes 1..length_field),
// and whether the length counts payload bytes, array elements or map
// pairs. `fixed` is the length when the header has no length field.
struct layout {
  enum kind : uint8_t { payload, array, map, invalid };
  uint8_t header = 1;
  uint8_t length_field = 0;
  kind what = payload;
  uint32_t fixed = 0;
};

layout layout_of(uint8_t type) noexcept {
  if (type <= 0x7f || type >= 0xe0) return {};  // positive and negative fixint
  if (type <= 0x8f) return {1, 0, layout::map, type & 0x0fu};
  if (type <= 0x9f) return {1, 0, layout::array, type & 0x0fu};
  if (type <= 0xbf) return {1, 0, layout::payload, type & 0x1fu};
  switch (type) {
    case 0xc0:
    case 0xc2:
    case 0xc3:
      return {};  // nil, false, true
    case 0xc4:
    case 0xd9:
      return {2, 1};  // bin8, str8
    case 0xc5:
    case 0xda:
      return {3, 2};  // bin16, str16
    case 0xc6:
    case 0xdb:
      return {5, 4};  // bin32, str32
    case 0xc7:
      return {3, 1};  // ext8: length, then the ext type byte
    case 0xc8:
      return {4, 2};
    case 0xc9:
      return {6, 4};
    case 0xcc:
    case 0xd0:
      return {2};  // uint8, int8
    case 0xcd:
    case 0xd1:
      return {3};
    case 0xca:
    case 0xce:
    case 0xd2:
      return {5};  // float32, uint32, int32
    case 0xcb:
    case 0xcf:
    case 0xd3:
      return {9};  // float64, uint64, int64
    case 0xd4:
      return {2, 0, layout::payload, 1};  // fixext 1..16
    case 0xd5:
      return {2, 0, layout::payload, 2};
    case 0xd6:
      return {2, 0, layout::payload, 4};
    case 0xd7:
      return {2, 0, layout::payload, 8};
    case 0xd8:
      return {2, 0, layout::payload, 16};
    case 0xdc:
      return {3, 2, layout::array};
    case 0xdd:
      return {5, 4, layout::array};
    case 0xde:
      return {3, 2, layout::map};
    case 0xdf:
      return {5, 4, layout::map};
    default:
      return {1, 0, layout::invalid};  // 0xc1, never used
  }
}

uint32_t big_endian(const char* p, uint8_t size) noexcept {
  uint32_t value = 0;
  for (uint8_t i = 0; i < size; ++i) value = (value << 8) | static_cast<uint8_t>(p[i]);
  return value;
}

}  // namespace

void framer::feed(std::string_view bytes) {
  compact();
  while (!bytes.empty() && !failure_) {
    // Take no more than lets the incomplete message exceed the limit by one
    // byte: enough to know it is too large.
    const std::size_t room = max_ + 1 - partial_bytes();
    const std::size_t take = std::min(room, bytes.size());
    buffer_.append(bytes.data(), take);
    bytes.remove_prefix(take);
    scan();
  }
}

std::optional<std::string_view> framer::next() {
  if (frames_.empty()) return std::nullopt;
  const std::size_t end = frames_.front();
  frames_.pop_front();
  std::string_view frame{buffer_.data() + read_, end - read_};
  read_ = end;
  return frame;
}

void framer::compact() {
  if (read_ == 0) return;
  buffer_.erase(0, read_);
  for (auto& end : frames_) end -= read_;
  begin_ -= read_;
  pos_ -= read_;
  read_ = 0;
}

void framer::scan() {
  for (;;) {
    const step s = scan_one();
    if (failure_) return;
    // Every owed element takes at least one byte.
    const uint64_t announced = (pos_ - begin_) + skip_ + owed_total_;
    if (announced > max_) return fail_too_large("at least " + std::to_string(announced));
    if (s == step::need_bytes) return;
  }
}

framer::step framer::scan_one() {
  const std::size_t available = buffer_.size() - pos_;
  if (skip_ > 0) {
    const auto n = static_cast<std::size_t>(std::min<uint64_t>(skip_, available));
    pos_ += n;
    skip_ -= n;
    if (skip_ > 0) return step::need_bytes;
    finish_value();
    return step::progress;
  }
  if (available == 0) return step::need_bytes;
  const char* p = buffer_.data() + pos_;
  const layout l = layout_of(static_cast<uint8_t>(*p));
  if (l.what == layout::invalid) {
    fail(code::bad_message,
         "byte 0xc1 at offset " + std::to_string(pos_ - begin_) + " of a message is not msgpack");
    return step::need_bytes;
  }
  if (available < l.header) return step::need_bytes;
  pos_ += l.header;
  const uint64_t length = l.length_field ? big_endian(p + 1, l.length_field) : l.fixed;
  switch (l.what) {
    case layout::array:
      return start_value(length, 0);
    case layout::map:
      return start_value(2 * length, 0);
    default:
      return start_value(0, length);
  }
}

// A value whose header was just read: it owes `elements` nested values
// (arrays, maps) or `payload` bytes.
framer::step framer::start_value(uint64_t elements, uint64_t payload) {
  if (!owed_.empty()) {
    --owed_.back();
    --owed_total_;
  }
  if (elements > 0) {
    if (owed_.size() == max_nesting) {
      fail(code::bad_message,
           "arrays and maps nested deeper than " + std::to_string(max_nesting) + " levels");
      return step::need_bytes;
    }
    owed_.push_back(elements);
    owed_total_ += elements;
  } else if (payload > 0) {
    skip_ = payload;
  } else {
    finish_value();
  }
  return step::progress;
}

// Closes the containers the value just read completed; the message ends
// with its outermost value.
void framer::finish_value() {
  while (!owed_.empty() && owed_.back() == 0) owed_.pop_back();
  if (!owed_.empty()) return;
  if (pos_ - begin_ > max_) return fail_too_large(std::to_string(pos_ - begin_));
  frames_.push_back(pos_);
  begin_ = pos_;
}

void framer::fail_too_large(const std::string& size) {
  fail(code::too_large,
       "message of " + size + " bytes exceeds max_message_bytes " + std::to_string(max_));
}

void framer::fail(code reason, std::string message) {
  failure_ = rejection{{std::nullopt, reason, std::move(message)}, true};
  buffer_.resize(begin_);
  pos_ = begin_;
  skip_ = 0;
  owed_.clear();
  owed_total_ = 0;
}

}  // namespace vigil::wire::push
