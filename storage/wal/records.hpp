#pragma once

// Record payloads: what the head writes into the log, independent of the
// framing (writer/reader). Each payload type has an encode that appends to
// a caller's buffer (so steady-state appends reuse memory) and a decode
// into a caller's vector. Layouts (format.md has the prose):
//
//   series:     uvarint n, n × { uvarint id, uvarint k,
//                                k × { uvarint len, name, uvarint len, value } }
//   samples:    uvarint n, if n > 0: uvarint id₀, zigzag-varint t₀, then
//               n × { zigzag-varint (id - id₀), zigzag-varint (t - t₀),
//                     u64 little-endian value bits }
//   tombstones: uvarint n, n × uvarint id
//
// Ids and timestamps relative to the first sample stay one or two bytes for
// a scrape's batch; values keep their exact bits (NaN payloads, -0.0, the
// staleness marker). Decoding never trusts a count or length beyond the
// bytes present.
//
// Threading: stateless functions.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/error.hpp"
#include "storage/base/labels.hpp"
#include "storage/base/sample.hpp"

namespace vigil::wal {

/// The framing type byte of each payload (0 is reserved by the framing).
enum class record_type : uint8_t {
  series = 1,      ///< new series: id and label set
  samples = 2,     ///< samples of known series
  tombstones = 3,  ///< series removed (their ids may be reused later)
};

/// A series reference local to one shard's head.
using series_id = uint64_t;

/// A series as first written: its id and labels.
struct series_entry {
  series_id id = 0;
  labels lbls;
  friend bool operator==(const series_entry&, const series_entry&) = default;
};

/// One sample of a series.
struct sample_entry {
  series_id id = 0;
  timestamp t = 0;
  double v = 0;
  /// Exact-bit equality of values, as `sample`.
  friend bool operator==(const sample_entry& a, const sample_entry& b) {
    return a.id == b.id && sample{a.t, a.v} == sample{b.t, b.v};
  }
};

/// Appends the series payload of `entries` to `out`.
void encode_series(std::span<const series_entry> entries, std::string& out);

/// Replaces `out` with the entries of a series payload. Errors:
/// errc::corruption naming the byte offset in `payload`.
[[nodiscard]] std::optional<error> decode_series(std::string_view payload,
                                                 std::vector<series_entry>& out);

/// Appends the samples payload of `entries` to `out`.
void encode_samples(std::span<const sample_entry> entries, std::string& out);

/// Replaces `out` with the entries of a samples payload. Errors:
/// errc::corruption naming the byte offset in `payload`.
[[nodiscard]] std::optional<error> decode_samples(std::string_view payload,
                                                  std::vector<sample_entry>& out);

/// Appends the tombstones payload of `ids` to `out`.
void encode_tombstones(std::span<const series_id> ids, std::string& out);

/// Replaces `out` with the ids of a tombstones payload. Errors:
/// errc::corruption naming the byte offset in `payload`.
[[nodiscard]] std::optional<error> decode_tombstones(std::string_view payload,
                                                     std::vector<series_id>& out);

}  // namespace vigil::wal
