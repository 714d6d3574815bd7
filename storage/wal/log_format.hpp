#pragma once

// The write-ahead log's on-disk framing as constants; format.md in this
// folder says the same in prose. Changing a value here changes the format.
//
// A log directory holds segment files named by an 8-digit decimal number
// ("00000001", "00000002", ...), optional checkpoint directories
// "checkpoint.<8 digits>", and transient "checkpoint.<8 digits>.tmp".
// A segment is a sequence of records, each framed as
//
//   [u32 length][u32 crc32c(type, payload)][u8 type][payload: length bytes]
//
// with little-endian integers and no padding between records.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vigil::wal {

/// Bytes before the payload: length, crc, type.
inline constexpr size_t record_header_size = 9;
inline constexpr size_t length_offset = 0;
inline constexpr size_t crc_offset = 4;
inline constexpr size_t type_offset = 8;

/// The largest payload a record may carry. A length field above it is
/// reported as corruption rather than trusted.
inline constexpr uint32_t max_record_length = 64u << 20;

/// The largest batch (framed records) one append may write.
inline constexpr size_t max_batch_bytes = 256u << 20;

/// Type 0 is never written, so a zero-filled region (a file the kernel
/// extended without its data) never parses as a record.
inline constexpr uint8_t invalid_record_type = 0;

/// Segments roll over once they would grow beyond this many bytes.
inline constexpr uint64_t default_segment_size = 128u << 20;
/// Configurable bounds: positions keep a segment's offset in 32 bits.
inline constexpr uint64_t min_segment_size = 4u << 10;
inline constexpr uint64_t max_segment_size = 1u << 30;

/// Segment file names are this many decimal digits, zero-padded, so
/// names sort like numbers. Numbering starts at 1.
inline constexpr size_t segment_name_digits = 8;
inline constexpr uint32_t first_segment_number = 1;
inline constexpr uint32_t last_segment_number = 99'999'999;

inline constexpr std::string_view checkpoint_prefix = "checkpoint.";
inline constexpr std::string_view temporary_suffix = ".tmp";
/// The single file inside a checkpoint directory.
inline constexpr std::string_view checkpoint_file_name = "00000000";

/// A log position: the segment number in the high 32 bits and the byte
/// offset just past a batch in the low 32. Positions only grow, across
/// restarts too, since a reopened log continues in a new segment.
/// Position 0 precedes everything.
[[nodiscard]] constexpr uint64_t make_position(uint32_t segment, uint32_t offset) {
  return (uint64_t{segment} << 32) | offset;
}
[[nodiscard]] constexpr uint32_t position_segment(uint64_t position) {
  return uint32_t(position >> 32);
}
[[nodiscard]] constexpr uint32_t position_offset(uint64_t position) {
  return uint32_t(position);
}

}  // namespace vigil::wal
