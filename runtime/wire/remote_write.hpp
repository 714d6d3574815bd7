#pragma once

// Prometheus remote write 1.0, receiver side: a request body (a protobuf
// prompb.WriteRequest compressed in snappy's block format, as sent with
// `Content-Encoding: snappy`) becomes the series writes a shard takes.
//
// - Bounded: the uncompressed length snappy declares is checked against the
//   caller's limit before anything is allocated for it.
// - The request's schema is remote_write.proto (only the fields vigil
//   reads). Samples and labels are decoded into an arena freed in one go.
// - Whole-request problems (not snappy, not protobuf, too large) are an
//   error; problems of one series (bad or duplicate label names, no
//   __name__, label text that is not UTF-8, samples out of time order) are
//   issues naming the series index and the field, and the other series are
//   kept. Metadata, exemplars and native histograms are counted and
//   skipped.
//
// Threading: free functions without shared state.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/expected.hpp"
#include "storage/shard/shard_engine.hpp"

namespace vigil::wire {

/// A decoded remote write request.
struct remote_write_batch {
  /// The valid series with their in-order samples (series without samples
  /// are left out).
  std::vector<series_write> series;
  /// One issue per rejected series or series with dropped samples;
  /// `series_index` is the position in the request's `timeseries`, `code`
  /// is "invalid_labels" or "out_of_order".
  std::vector<write_issue> issues;
  std::size_t metadata = 0;    ///< Metadata entries skipped.
  std::size_t exemplars = 0;   ///< Exemplars skipped.
  std::size_t histograms = 0;  ///< Native histogram samples skipped.
};

/// Decodes a snappy-compressed WriteRequest `body` whose uncompressed size
/// may be at most `max_uncompressed_bytes`. Errors: errc::limit_exceeded
/// when it is larger, errc::parse_error when the body is not snappy's block
/// format or not a WriteRequest.
[[nodiscard]] expected<remote_write_batch> decode_remote_write(std::string_view body,
                                                               std::size_t max_uncompressed_bytes);

/// The snappy-compressed WriteRequest body of `series` (for tests,
/// benchmarks and forwarding): labels in their stored order, samples as
/// given.
[[nodiscard]] std::string encode_remote_write(std::span<const series_write> series);

}  // namespace vigil::wire
