#pragma once

// One write of a push connection between its decoding and its answer.
//
// The decoder wrote the series the connection's cache knows by ref. When
// storage answers, the refs of the other series go into the cache. A ref
// the shard no longer holds comes back as `unknown_series` (the shard
// restarted without that series, or it expired): the job forgets those
// refs and resends the same series by labels, decoded again from a copy
// of the message kept for that purpose, and the client's ack covers both
// rounds. The client sees unknown_series only if that resend is impossible.
// A resend leaves after writes the connection handed to storage since, so
// pipelined samples of such a series may then be refused as out_of_order:
// rare (the shard lost the series), and reported like any out_of_order.
//
// Plain C++, no sockets: the connection drives it on its loop thread, and
// the cache it is given is that connection's.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "actors/messages.hpp"
#include "runtime/wire/push_protocol.hpp"
#include "runtime/wire/push_series_cache.hpp"

namespace vigil::push {

class write_job {
 public:
  /// `decoded` as read_client_message(frame, cache) returned it; `frame`
  /// is copied only when some series went by ref.
  write_job(wire::push::write_msg decoded, std::string_view frame);

  [[nodiscard]] uint64_t seq() const noexcept { return msg_.seq; }
  /// Series written by ref (cache hits).
  [[nodiscard]] std::size_t by_ref() const noexcept { return by_ref_.size(); }
  /// Samples stored so far.
  [[nodiscard]] uint64_t accepted() const noexcept { return accepted_; }

  /// The batch for storage; once, before the first answered().
  [[nodiscard]] std::vector<series_write> take_batch() { return std::move(batch_); }

  /// Storage's answer to the last batch taken. Returns the next batch for
  /// storage (series to resend by labels), or an empty one when answer()
  /// is ready.
  [[nodiscard]] std::vector<series_write> answered(expected<actors::write_ack> ack,
                                                   wire::push::series_cache& cache);

  /// The client's answer: an ack, or an error when storage took nothing.
  [[nodiscard]] std::variant<wire::push::ack_msg, wire::push::error_msg> answer();

 private:
  void remember(std::vector<wire::push::uncached_series>& uncached,
                const std::vector<uint32_t>& refs, wire::push::series_cache& cache);
  [[nodiscard]] std::vector<series_write> resend(const std::vector<std::size_t>& stale,
                                                 wire::push::series_cache& cache);

  wire::push::write_msg msg_;  // seq, positions, decoder issues, uncached
  std::vector<series_write> batch_;
  // (batch index, cache entry) of every series written by ref.
  std::vector<std::pair<std::size_t, wire::push::series_cache::entry>> by_ref_;
  std::string frame_;  // kept for a resend when by_ref_ is not empty

  uint64_t accepted_ = 0;
  std::vector<write_issue> issues_;  // storage's, by batch index
  std::optional<error> failed_;      // storage took nothing

  // The resend in flight: batch index of each of its series, and what the
  // cache needs of them.
  std::vector<std::size_t> resent_;
  std::vector<wire::push::uncached_series> resent_uncached_;
};

}  // namespace vigil::push
