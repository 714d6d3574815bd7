#include "storage/chunk/value_column.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <string>

#include "storage/chunk/decimal.hpp"
#include "storage/chunk/xor_value.hpp"

namespace vigil {
namespace {

// A decimal column is not tried when more values than this fraction are
// exceptions: each costs 9+ bytes, more than gorilla spends on a value.
constexpr size_t max_exception_share = 4;  // 1 in 4
// The shared exponent may leave this fraction of values as exceptions
// rather than scaling every mantissa up for a few long decimals.
constexpr size_t rare_share = 16;  // 1 in 16

uint64_t bits_of(double v) {
  return std::bit_cast<uint64_t>(v);
}

/*
 * Decimal column layout (n values):
 *
 *   u8         e             shared exponent, 0..decimal::max_exponent
 *   int_column mantissas     n mantissas m_i; value i is m_i / 10^e
 *   uvarint    k             exception count
 *   k x (uvarint gap, u64 bits)
 *                            value (previous exception's index + 1 + gap;
 *                            the first counts from 0) is these raw
 *                            little-endian bits instead
 *
 * An exception's mantissa slot repeats the mantissa before it (the first
 * valid one for leading exceptions) so that it does not disturb the deltas
 * around it.
 */
void write_decimal(std::span<const double> values, int e, std::vector<uint8_t>& out,
                   std::optional<int_packing> packing) {
  std::vector<std::optional<int64_t>> found(values.size());
  for (size_t i = 0; i < values.size(); ++i) found[i] = decimal::to_mantissa(values[i], e);
  const auto first =
      std::find_if(found.begin(), found.end(), [](auto& m) { return m.has_value(); });
  int64_t prev = first == found.end() ? 0 : **first;
  std::vector<int64_t> mantissas;
  mantissas.reserve(values.size());
  for (const auto& m : found) {
    if (m) prev = *m;
    mantissas.push_back(prev);
  }
  out.push_back(static_cast<uint8_t>(e));
  encode_int_column(mantissas, out, packing);
  bytes::put_uvarint(out,
                     static_cast<uint64_t>(std::count(found.begin(), found.end(), std::nullopt)));
  size_t next = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (found[i]) continue;
    bytes::put_uvarint(out, i - next);
    bytes::put_u64(out, bits_of(values[i]));
    next = i + 1;
  }
}

bool read_decimal(byte_reader& in, std::span<double> out) {
  const size_t at = in.offset();
  auto e = in.u8("decimal exponent");
  if (!e) return false;
  if (*e > decimal::max_exponent) {
    in.fail_at(at, "decimal exponent " + std::to_string(*e) + " out of range");
    return false;
  }
  std::vector<int64_t> mantissas(out.size());
  if (!decode_int_column(in, mantissas)) return false;
  for (size_t i = 0; i < out.size(); ++i) out[i] = decimal::from_mantissa(mantissas[i], *e);
  const size_t count_at = in.offset();
  auto count = in.uvarint("decimal exception count");
  if (!count) return false;
  if (*count > out.size()) {
    in.fail_at(count_at, "impossible decimal exception count " + std::to_string(*count));
    return false;
  }
  size_t next = 0;
  for (uint64_t k = 0; k < *count; ++k) {
    const size_t entry = in.offset();
    auto gap = in.uvarint("decimal exception index");
    auto raw = in.u64("decimal exception value");
    if (!gap || !raw) return false;
    if (*gap >= out.size() - next) {
      in.fail_at(entry, "decimal exception index out of range");
      return false;
    }
    next += static_cast<size_t>(*gap);
    out[next++] = std::bit_cast<double>(*raw);
  }
  return true;
}

bool read_gorilla(byte_reader& in, std::span<double> out) {
  const size_t at = in.offset();
  bit_reader bits_in{in.rest()};
  xor_value_reader reader;
  for (size_t i = 0; i < out.size(); ++i) {
    const size_t bit = bits_in.bit_position();
    if (!reader.read(bits_in, out[i])) {
      in.fail_at(at + bit / 8, "truncated or invalid gorilla value " + std::to_string(i));
      return false;
    }
  }
  return in.take((bits_in.bit_position() + 7) / 8, "gorilla column").has_value();
}

}  // namespace

bool encode_constant_column(std::span<const double> values, std::vector<uint8_t>& out) {
  const uint64_t first = bits_of(values.front());
  if (!std::all_of(values.begin(), values.end(), [&](double v) { return bits_of(v) == first; }))
    return false;
  bytes::put_u64(out, first);  // constant column: the value's 8 raw little-endian bytes
  return true;
}

bool encode_decimal_column(std::span<const double> values, std::vector<uint8_t>& out,
                           std::optional<int_packing> packing) {
  // How many values need each exponent; the last slot counts non-decimals.
  std::array<size_t, decimal::max_exponent + 2> need{};
  for (const double v : values)
    ++need[static_cast<size_t>(decimal::min_exponent(v).value_or(decimal::max_exponent + 1))];
  const size_t n = values.size();
  if (need.back() > n / max_exception_share) return false;
  int all = 0;    // the exponent that fits every decimal value
  int most = -1;  // the smallest that leaves at most n / rare_share behind
  size_t above = n;
  for (int e = 0; e <= decimal::max_exponent; ++e) {
    above -= need[static_cast<size_t>(e)];
    if (need[static_cast<size_t>(e)] > 0) all = e;
    if (most < 0 && above <= n / rare_share) most = e;
  }
  std::vector<int> exponents{all};
  if (most >= 0 && most != all) exponents.push_back(most);
  std::vector<uint8_t> best;
  for (const int e : exponents) {
    std::vector<uint8_t> candidate;
    write_decimal(values, e, candidate, packing);
    if (best.empty() || candidate.size() < best.size()) best = std::move(candidate);
  }
  out.insert(out.end(), best.begin(), best.end());
  return true;
}

/*
 * Gorilla column layout: the values' XOR bit stream (xor_value.cpp), most
 * significant bit first, zero-padded to a whole byte.
 */
void encode_gorilla_column(std::span<const double> values, std::vector<uint8_t>& out) {
  bit_writer w;
  xor_value_writer writer;
  for (const double v : values) writer.write(w, v);
  out.insert(out.end(), w.bytes().begin(), w.bytes().end());
}

bool decode_value_column(value_codec codec, byte_reader& in, std::span<double> out) {
  switch (codec) {
    case value_codec::constant: {
      auto raw = in.u64("constant value");
      if (!raw) return false;
      std::fill(out.begin(), out.end(), std::bit_cast<double>(*raw));
      return true;
    }
    case value_codec::decimal:
      return read_decimal(in, out);
    case value_codec::gorilla:
      return read_gorilla(in, out);
    case value_codec::empty:
      break;
  }
  in.fail("no value column for this encoding");
  return false;
}

}  // namespace vigil
