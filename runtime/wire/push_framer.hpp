#pragma once

// Finds where each msgpack message of a push stream ends, as bytes arrive
// in arbitrary chunks, without decoding values.
//
// The framer reads only type bytes and length fields: a stack of the
// elements each open array or map still owes, and the payload bytes a
// string, binary or extension still owes. It never allocates for what a
// header announces, so a hostile header ("an array of 4 billion
// elements") costs nothing; msgpack-cxx's own unpacker would allocate the
// element array when it read such a header.
//
// max_message_bytes is enforced while the message is incomplete: as soon
// as its buffered bytes, or the bytes its headers announce (one per owed
// element, plus owed payload), exceed the limit, the stream fails with
// too_large. feed() appends input only up to that point, so an incomplete
// message never occupies more than max_message_bytes + 1 bytes; complete
// messages wait in the buffer until next() returns them.
//
// Failures (too_large; a byte that starts no msgpack value, 0xc1; nesting
// deeper than max_nesting) are fatal: framing is lost. Messages completed
// before the failure are still returned first.
//
// Threading: one framer per connection, used by one thread at a time.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/wire/push_protocol.hpp"

namespace vigil::wire::push {

class framer {
 public:
  /// A framer of messages of at most `max_message_bytes` (≥ 1) bytes.
  explicit framer(std::size_t max_message_bytes) : max_(max_message_bytes) {}

  /// Appends the bytes a socket delivered and frames them. After a
  /// failure, input is ignored. Invalidates views returned by next().
  void feed(std::string_view bytes);

  /// The bytes of the next complete message, valid until the next feed();
  /// nullopt when none is complete (then see failure()).
  [[nodiscard]] std::optional<std::string_view> next();

  /// Why the stream ended, once next() has returned every message before
  /// the failure; a fatal rejection with code too_large or bad_message.
  [[nodiscard]] const std::optional<rejection>& failure() const noexcept {
    return frames_.empty() ? failure_ : none_;
  }

  /// Bytes of an incomplete message buffered (0 between messages).
  [[nodiscard]] std::size_t partial_bytes() const noexcept { return buffer_.size() - begin_; }

 private:
  enum class step { progress, need_bytes };  // need_bytes also after a failure

  void scan();
  [[nodiscard]] step scan_one();
  [[nodiscard]] step start_value(uint64_t elements, uint64_t payload);
  void finish_value();
  void fail(code reason, std::string message);
  void fail_too_large(const std::string& size);
  void compact();

  std::size_t max_;
  std::string buffer_;
  std::size_t read_ = 0;            // start of the oldest message next() has not returned
  std::deque<std::size_t> frames_;  // ends of complete messages not yet returned

  // The incomplete message: it starts at begin_; pos_ is the next byte to
  // read, skip_ the payload bytes still owed by the value being read.
  std::size_t begin_ = 0;
  std::size_t pos_ = 0;
  uint64_t skip_ = 0;
  std::vector<uint64_t> owed_;  // elements each open container still owes
  uint64_t owed_total_ = 0;     // their sum

  std::optional<rejection> failure_;
  static inline const std::optional<rejection> none_;
};

}  // namespace vigil::wire::push
