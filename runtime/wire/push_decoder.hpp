#pragma once

// Decodes push protocol messages (docs/protocol.md) from a byte stream:
// a server reads a client_stream, a client a server_stream. Feed the
// bytes a socket delivers in any chunking; next() yields each complete
// message as a plain struct, or a rejection: the error message to send
// back.
//
// A write is decoded straight from the received bytes into the storage
// engine's batch type (series_write): one allocation per label string and
// one sample vector per series, reserved to size. What is wrong with a
// write decides how much of it is lost:
//
// - its shape (types, counts, timestamps and values of different lengths,
//   integers out of range): the whole write is rejected, bad_message;
// - its label content (names, duplicates, missing __name__, strings that
//   are not UTF-8): that series is left out and listed in write_msg.issues
//   (invalid_labels); the other series are decoded.
//
// Rejections of a hello are fatal (a bad handshake), as are framing
// failures (see push_framer.hpp) and every rejection of a server message;
// after a fatal rejection next() returns nullopt and feeding is pointless.
// Other rejections answer one message and the stream goes on.
//
// Threading: one stream per connection, used by one thread at a time.

#include <cstddef>
#include <optional>
#include <string_view>

#include "runtime/wire/push_framer.hpp"
#include "runtime/wire/push_protocol.hpp"
#include "runtime/wire/push_series_cache.hpp"

namespace vigil::wire::push {

/// Decodes one complete message a client sent (framed: exactly its bytes).
[[nodiscard]] from_client read_client_message(std::string_view frame);
/// The same, writing the series `cache` knows by ref and listing the others
/// in write_msg::uncached. The cache itself is not changed.
[[nodiscard]] from_client read_client_message(std::string_view frame, series_cache& cache);
/// Decodes one complete message a server sent.
[[nodiscard]] from_server read_server_message(std::string_view frame);

/// Decodes a body that must hold exactly one client message (the HTTP
/// form); trailing or missing bytes are a bad_message rejection.
[[nodiscard]] from_client decode_client_body(std::string_view body, std::size_t max_message_bytes);

/// The ack of a decoded write that storage answered: `accepted` samples
/// and storage's `stored` issues (indexed by write.series, which may have
/// been moved out) under the client's indices, merged with the decoder's
/// own issues, ordered by series index.
[[nodiscard]] ack_msg make_ack(write_msg&& write, uint64_t accepted,
                               std::vector<write_issue> stored);

/// A byte stream of messages: feed bytes, take messages.
template <class Message, Message (*read)(std::string_view)>
class message_stream {
 public:
  /// A stream whose messages may take up to `max_message_bytes` each.
  explicit message_stream(std::size_t max_message_bytes = default_max_message_bytes)
      : framer_(max_message_bytes) {}

  /// Appends received bytes (any chunk, possibly empty).
  void feed(std::string_view bytes) { framer_.feed(bytes); }

  /// The next message or rejection; nullopt when more bytes are needed or
  /// once a fatal rejection was returned.
  [[nodiscard]] std::optional<Message> next() {
    if (over_) return std::nullopt;
    std::optional<Message> out;
    if (auto frame = framer_.next())
      out = read(*frame);
    else if (const auto& failure = framer_.failure())
      out = *failure;
    if (out) {
      const auto* r = std::get_if<rejection>(&*out);
      over_ = r && r->fatal;
    }
    return out;
  }

  /// Bytes of an incomplete message buffered.
  [[nodiscard]] std::size_t partial_bytes() const noexcept { return framer_.partial_bytes(); }

 private:
  framer framer_;
  bool over_ = false;
};

/// What a server reads: hello, write, ping.
using client_stream = message_stream<from_client, read_client_message>;
/// What a client reads: welcome, ack, error, pong.
using server_stream = message_stream<from_server, read_server_message>;

}  // namespace vigil::wire::push
