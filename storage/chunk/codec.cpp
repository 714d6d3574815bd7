#include "storage/chunk/codec.hpp"

#include <cassert>
#include <string>

#include "storage/chunk/byte_stream.hpp"
#include "storage/chunk/xor_chunk.hpp"
#include "storage/chunk/zstd_frame.hpp"

namespace vigil {
namespace {

// Generous: a sample never needs more than ~30 payload bytes.
constexpr size_t max_payload_bytes = 32 * max_block_samples + 64;

struct columns {
  std::vector<int64_t> times;
  std::vector<double> values;
};

columns split(std::span<const sample> samples) {
  columns c;
  c.times.reserve(samples.size());
  c.values.reserve(samples.size());
  for (const auto& s : samples) {
    c.times.push_back(s.t);
    c.values.push_back(s.v);
  }
  return c;
}

bool append_values(value_codec codec, std::span<const double> values, std::vector<uint8_t>& out,
                   std::optional<int_packing> packing) {
  switch (codec) {
    case value_codec::constant:
      return encode_constant_column(values, out);
    case value_codec::decimal:
      return encode_decimal_column(values, out, packing);
    case value_codec::gorilla:
      encode_gorilla_column(values, out);
      return true;
    case value_codec::empty:
      break;
  }
  return false;
}

/// A header byte and the payload it announces.
struct candidate {
  uint8_t header = 0;
  std::vector<uint8_t> payload;
  [[nodiscard]] size_t size() const { return 1 + payload.size(); }
};

/// The smallest uncompressed payload over the value codecs allowed.
candidate smallest_payload(const columns& c, const encode_options& options,
                           std::optional<int_packing> packing) {
  std::vector<uint8_t> head;
  bytes::put_uvarint(head, c.times.size());
  encode_int_column(c.times, head, packing);
  candidate best;
  for (const auto codec : {value_codec::constant, value_codec::decimal, value_codec::gorilla}) {
    const bool allowed = !options.values || *options.values == codec;
    const bool fallback = codec == value_codec::gorilla && best.payload.empty();
    if (!allowed && !fallback) continue;
    candidate next{static_cast<uint8_t>(codec), head};
    if (!append_values(codec, c.values, next.payload, packing)) continue;
    if (best.payload.empty() || next.size() < best.size()) best = std::move(next);
  }
  return best;
}

/// The reader's error; every failing decoder records one, but a decoder
/// bug must not turn into dereferencing an empty optional.
error failure(const byte_reader& in) {
  if (in.error()) return *in.error();
  return error{errc::internal,
               "block decoder failed without an error at byte " + std::to_string(in.offset())};
}

std::vector<uint8_t> assemble(candidate c) {
  c.payload.insert(c.payload.begin(), c.header);
  return std::move(c.payload);
}

}  // namespace

/*
 * Block layout (see storage/chunk/format.md):
 *
 *   u8        header        bits 0-2 value codec (value_column.hpp), bits 3-6
 *                           zero, bit 7 set if the payload is a zstd frame
 *   payload   (possibly a zstd frame holding it)
 *     uvarint    n          sample count, 1..max_block_samples
 *     int_column times      n timestamps (int_column.cpp)
 *     values                n values in the header's codec (value_column.cpp)
 *
 * An empty block is the single byte 0x00; a block whose header is
 * block_head_chunk holds a head chunk as it is (xor_chunk.hpp).
 */
std::vector<uint8_t> encode_block(std::span<const sample> samples, const encode_options& options) {
  assert(samples.size() <= max_block_samples);
  if (samples.empty()) return {static_cast<uint8_t>(value_codec::empty)};
  const columns c = split(samples);
  candidate best = smallest_payload(c, options, options.packing);
  if (!options.zstd) return assemble(std::move(best));
  // Byte-aligned varints hide less from zstd than packed digits do, so they
  // get their own chance under compression.
  std::vector<candidate> raw{best};
  if (!options.packing) raw.push_back(smallest_payload(c, options, int_packing::varint));
  for (const auto& r : raw) {
    auto frame = zstd::compress(r.payload, options.zstd_level);
    if (!frame.empty() && 1 + frame.size() < best.size())
      best = candidate{static_cast<uint8_t>(r.header | block_zstd_flag), std::move(frame)};
  }
  return assemble(std::move(best));
}

std::vector<uint8_t> wrap_head_chunk(std::span<const uint8_t> chunk) {
  std::vector<uint8_t> block;
  block.reserve(1 + chunk.size());
  block.push_back(block_head_chunk);
  block.insert(block.end(), chunk.begin(), chunk.end());
  return block;
}

namespace {

expected<size_t> decode_head_chunk(std::span<const uint8_t> chunk, std::vector<sample>& out) {
  // The chunk's offsets count from the byte after the block's header.
  auto corrupt = [](const std::string& what) {
    return error{errc::corruption, "head chunk block (offsets from byte 1): " + what};
  };
  xor_iterator it{chunk};
  if (it.err()) return corrupt(it.err()->message);
  if (it.num_samples() == 0)
    return corrupt("implausible sample count 0 at byte 0");
  const size_t start = out.size();
  out.reserve(start + it.num_samples());
  while (it.next()) out.push_back(it.at());
  if (!it.err()) return it.num_samples();
  out.resize(start);
  return corrupt(it.err()->message);
}

}  // namespace

expected<size_t> decode_block_into(std::span<const uint8_t> block, std::vector<sample>& out) {
  if (block.empty()) return error{errc::corruption, "empty block: no header at byte 0"};
  const uint8_t header = block[0];
  if (header == block_head_chunk) return decode_head_chunk(block.subspan(1), out);
  const auto codec = static_cast<value_codec>(header & block_codec_mask);
  const bool compressed = (header & block_zstd_flag) != 0;
  if ((header & block_reserved_mask) != 0 || codec > value_codec::gorilla ||
      (codec == value_codec::empty && header != 0))
    return error{errc::corruption, "unknown block header " + std::to_string(header) + " at byte 0"};
  if (codec == value_codec::empty) {
    if (block.size() != 1)
      return error{errc::corruption, "trailing bytes after an empty block at byte 1"};
    return size_t{0};
  }
  std::vector<uint8_t> inflated;
  if (compressed) {
    auto payload = zstd::decompress(block.subspan(1), max_payload_bytes, 1);
    if (!payload) return std::move(payload).error_value();
    inflated = std::move(*payload);
  }
  byte_reader in = compressed ? byte_reader{inflated, 0, "decompressed payload"}
                              : byte_reader{block.subspan(1), 1, "block"};
  const size_t count_at = in.offset();
  auto n = in.uvarint("sample count");
  if (n && (*n == 0 || *n > max_block_samples))
    in.fail_at(count_at, "implausible sample count " + std::to_string(*n));
  if (!in.ok()) return failure(in);
  std::vector<int64_t> times(*n);
  std::vector<double> values(*n);
  if (!decode_int_column(in, times) || !decode_value_column(codec, in, values)) return failure(in);
  if (in.remaining() != 0) {
    in.fail(std::to_string(in.remaining()) + " trailing bytes");
    return failure(in);
  }
  out.reserve(out.size() + times.size());
  for (size_t i = 0; i < times.size(); ++i) out.push_back(sample{times[i], values[i]});
  return times.size();
}

expected<std::vector<sample>> decode_block(std::span<const uint8_t> block) {
  std::vector<sample> out;
  auto n = decode_block_into(block, out);
  if (!n) return std::move(n).error_value();
  return out;
}

}  // namespace vigil
