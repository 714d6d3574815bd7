#include "storage/chunk/xor_chunk.hpp"

#include <array>
#include <string>

namespace vigil {
namespace {

constexpr size_t header_bytes = 2;

/// A delta-of-delta bucket: the prefix that announces it and its width.
struct dod_bucket {
  uint64_t prefix;
  unsigned prefix_bits;
  unsigned value_bits;
};

// Ordered by size; the last bucket takes any value.
constexpr std::array<dod_bucket, 4> dod_buckets{{
    {0b10, 2, 7},
    {0b110, 3, 14},
    {0b1110, 4, 20},
    {0b1111, 4, 64},
}};

}  // namespace

/*
 * Chunk format (see also storage/chunk/format.md):
 *
 *   bytes 0-1   sample count, big-endian uint16 (rewritten on every append)
 *   then a bit stream, most significant bit first:
 *   sample 0    t as a zigzag LEB128 varint (8-bit groups), value raw
 *   sample 1    t1 - t0 as a zigzag varint, value XOR'd (xor_value.cpp)
 *   sample n    dod = (tn - tn-1) - (tn-1 - tn-2), then the value XOR'd:
 *                 '0'                dod == 0
 *                 '10'   + 7 bits    dod in [-64, 63]
 *                 '110'  + 14 bits   dod in [-8192, 8191]
 *                 '1110' + 20 bits   dod in [-2^19, 2^19 - 1]
 *                 '1111' + 64 bits   anything
 *
 * Fields are two's complement; deltas wrap modulo 2^64, so every int64
 * sequence round-trips. Unlike Prometheus (14/17/20 bits) the smallest
 * non-zero bucket is 7 bits: scrape jitter of a few milliseconds is the
 * common non-zero case, and it costs 9 bits here instead of 16.
 */
xor_appender::xor_appender() {
  out_.write(0, header_bytes * 8);
}

size_t xor_appender::num_samples() const {
  const auto header = out_.bytes();
  return static_cast<size_t>(header[0]) << 8 | header[1];
}

bool xor_appender::append(timestamp t, double v) {
  const size_t count = num_samples();
  if (count == max_samples) return false;
  write_timestamp(t, count);
  values_.write(out_, v);
  out_.set_byte(0, static_cast<uint8_t>((count + 1) >> 8));
  out_.set_byte(1, static_cast<uint8_t>((count + 1) & 0xff));
  return true;
}

void xor_appender::write_timestamp(timestamp t, size_t count) {
  const auto ut = static_cast<uint64_t>(t);
  const uint64_t delta = ut - prev_t_;
  if (count == 0) {
    out_.write_uvarint(bits::zigzag(t));
  } else if (count == 1) {
    out_.write_uvarint(bits::zigzag(static_cast<int64_t>(delta)));
  } else {
    const auto dod = static_cast<int64_t>(delta - prev_delta_);
    if (dod == 0) {
      out_.write_bit(false);
    } else {
      for (const auto& b : dod_buckets) {
        if (!bits::fits_signed(dod, b.value_bits)) continue;
        out_.write(b.prefix, b.prefix_bits);
        out_.write(static_cast<uint64_t>(dod), b.value_bits);
        break;
      }
    }
  }
  prev_t_ = ut;
  prev_delta_ = delta;
}

xor_iterator::xor_iterator(std::span<const uint8_t> chunk) : in_(chunk) {
  auto count = in_.read(header_bytes * 8);
  if (!count) {
    err_ = error{errc::corruption, "xor chunk: truncated header at byte 0 (" +
                                       std::to_string(chunk.size()) + " bytes)"};
    return;
  }
  total_ = static_cast<size_t>(*count);
}

bool xor_iterator::fail(const char* what, size_t bit) {
  err_ = error{errc::corruption, "xor chunk: " + std::string{what} + " of sample " +
                                     std::to_string(read_) + " at byte " + std::to_string(bit / 8) +
                                     " bit " + std::to_string(bit % 8)};
  return false;
}

bool xor_iterator::next() {
  if (err_ || done_) return false;
  if (read_ == total_) {
    done_ = true;  // so that seek() cannot revive the last sample
    return false;
  }
  // Errors point at the start of the field that failed, not where reading
  // stopped.
  const size_t t_start = in_.bit_position();
  if (!read_timestamp()) return fail("truncated or invalid timestamp", t_start);
  const size_t v_start = in_.bit_position();
  if (!values_.read(in_, current_.v)) return fail("truncated or invalid value", v_start);
  ++read_;
  return true;
}

bool xor_iterator::read_timestamp() {
  const auto prev_t = static_cast<uint64_t>(current_.t);
  uint64_t delta = 0;
  if (read_ < 2) {
    auto raw = in_.read_uvarint();
    if (!raw) return false;
    const auto value = static_cast<uint64_t>(bits::unzigzag(*raw));
    if (read_ == 0) {
      current_.t = static_cast<timestamp>(value);
      return true;
    }
    delta = value;
  } else {
    unsigned ones = 0;
    while (ones < dod_buckets.size()) {
      auto bit = in_.read_bit();
      if (!bit) return false;
      if (!*bit) break;
      ++ones;
    }
    int64_t dod = 0;
    if (ones > 0) {
      const unsigned width = dod_buckets[ones - 1].value_bits;
      auto raw = in_.read(width);
      if (!raw) return false;
      dod = bits::sign_extend(*raw, width);
    }
    delta = prev_delta_ + static_cast<uint64_t>(dod);
  }
  prev_delta_ = delta;
  current_.t = static_cast<timestamp>(prev_t + delta);
  return true;
}

bool xor_iterator::seek(timestamp target) {
  if (err_ || done_) return false;
  if (read_ > 0 && current_.t >= target) return true;
  while (next()) {
    if (current_.t >= target) return true;
  }
  return false;
}

}  // namespace vigil
