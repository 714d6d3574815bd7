#include "storage/rollup/rollup.hpp"

#include <array>
#include <cmath>

#include "storage/chunk/codec.hpp"

namespace vigil::rollup {
namespace {

// A counter's increase from a to b: a drop is a reset to zero.
double counter_step(double a, double b) {
  return b >= a ? b - a : b;
}

void add(point& p, const sample& s, const std::optional<double>& prev_value) {
  if (p.count == 0) {
    p.min = p.max = s.v;
  } else {
    // As PromQL's min/max_over_time: a NaN is replaced by any number.
    if (s.v < p.min || std::isnan(p.min)) p.min = s.v;
    if (s.v > p.max || std::isnan(p.max)) p.max = s.v;
  }
  ++p.count;
  p.sum += s.v;
  p.last = s.v;
  p.last_t = s.t;
  if (prev_value) p.increase += counter_step(*prev_value, s.v);
}

}  // namespace

timestamp window_end(timestamp t, duration resolution) {
  const int64_t r = resolution.count();
  // Ceil to a multiple of r, correct for negative t too.
  int64_t q = t / r;
  if (q * r < t) ++q;
  return q * r;
}

std::vector<point> aggregate(std::span<const sample> samples, duration resolution,
                             std::optional<sample> before) {
  std::vector<point> out;
  std::optional<double> prev;
  if (before && !is_stale_marker(before->v)) prev = before->v;
  for (const auto& s : samples) {
    if (is_stale_marker(s.v)) continue;
    const timestamp end = window_end(s.t, resolution);
    if (out.empty() || out.back().t != end) out.push_back({.t = end});
    add(out.back(), s, prev);
    prev = s.v;
  }
  return out;
}

std::vector<point> coarsen(std::span<const point> finer, duration resolution) {
  std::vector<point> out;
  for (const auto& p : finer) {
    const timestamp end = window_end(p.t, resolution);
    if (out.empty() || out.back().t != end) {
      out.push_back(p);
      out.back().t = end;
      continue;
    }
    auto& c = out.back();
    if (p.min < c.min || std::isnan(c.min)) c.min = p.min;
    if (p.max > c.max || std::isnan(c.max)) c.max = p.max;
    c.count += p.count;
    c.sum += p.sum;
    c.increase += p.increase;
    c.last = p.last;
    c.last_t = p.last_t;
  }
  return out;
}

namespace {

constexpr size_t columns = 7;

// Column i of a point as a double (count and last_t are exact in a double
// below 2^53, which every count and millisecond timestamp is).
double column(const point& p, size_t i) {
  switch (i) {
    case 0:
      return static_cast<double>(p.count);
    case 1:
      return p.sum;
    case 2:
      return p.min;
    case 3:
      return p.max;
    case 4:
      return p.last;
    case 5:
      return p.increase;
    default:
      return static_cast<double>(p.last_t);
  }
}

void set_column(point& p, size_t i, double v) {
  switch (i) {
    case 0:
      p.count = static_cast<uint64_t>(v);
      break;
    case 1:
      p.sum = v;
      break;
    case 2:
      p.min = v;
      break;
    case 3:
      p.max = v;
      break;
    case 4:
      p.last = v;
      break;
    case 5:
      p.increase = v;
      break;
    default:
      p.last_t = static_cast<timestamp>(v);
  }
}

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

// Layout: for each of the 7 columns (count, sum, min, max, last, increase,
// last_t) a u32 little-endian length and a codec block of (window end,
// column value) samples. Window ends are regular, so the repeated
// timestamps cost almost nothing after delta-of-delta encoding.
std::vector<uint8_t> encode_points(std::span<const point> points) {
  std::vector<uint8_t> out;
  std::vector<sample> col(points.size());
  for (size_t c = 0; c < columns; ++c) {
    for (size_t i = 0; i < points.size(); ++i) col[i] = {points[i].t, column(points[i], c)};
    auto block = encode_block(col);
    put_u32(out, static_cast<uint32_t>(block.size()));
    out.insert(out.end(), block.begin(), block.end());
  }
  return out;
}

expected<std::vector<point>> decode_points(std::span<const uint8_t> block) {
  std::vector<point> out;
  size_t pos = 0;
  for (size_t c = 0; c < columns; ++c) {
    if (block.size() - pos < 4)
      return error{errc::corruption, "rollup block: truncated at byte " + std::to_string(pos)};
    uint32_t len = 0;
    for (int i = 0; i < 4; ++i) len |= static_cast<uint32_t>(block[pos + i]) << (8 * i);
    pos += 4;
    if (len > block.size() - pos)
      return error{errc::corruption, "rollup block: column " + std::to_string(c) +
                                         " overruns the block at byte " + std::to_string(pos)};
    auto col = decode_block(block.subspan(pos, len));
    if (!col) return std::move(col).error_value();
    pos += len;
    if (c == 0) out.resize(col->size());
    if (col->size() != out.size())
      return error{errc::corruption, "rollup block: column " + std::to_string(c) + " has " +
                                         std::to_string(col->size()) + " points, expected " +
                                         std::to_string(out.size())};
    for (size_t i = 0; i < out.size(); ++i) {
      out[i].t = (*col)[i].t;
      set_column(out[i], c, (*col)[i].v);
    }
  }
  if (pos != block.size())
    return error{errc::corruption, "rollup block: trailing bytes at " + std::to_string(pos)};
  return out;
}

}  // namespace vigil::rollup
