#include "storage/chunk/int_column.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <string>

#include "storage/chunk/bit_stream.hpp"
#include "storage/chunk/packed_ints.hpp"

namespace vigil {
namespace {

/// Predictors: what a residual is the difference from.
enum class order : unsigned {
  raw = 0,     // x_i
  delta = 1,   // x_i - x_i-1
  dod = 2,     // (x_i - x_i-1) - (x_i-1 - x_i-2)
  linear = 3,  // x_i - (x_0 + i * step)
};
constexpr unsigned layout_count = 3;  // int_packing's values plus `repeat`
constexpr unsigned repeat_layout = 2;

uint64_t u(int64_t v) {
  return static_cast<uint64_t>(v);
}
int64_t s(uint64_t v) {
  return static_cast<int64_t>(v);
}

/// A column split into the heads stored as varints and the residuals.
struct residuals {
  std::vector<int64_t> heads;
  std::vector<int64_t> rest;
};

/// The step of the line through the first and last value (rounded down).
int64_t line_step(std::span<const int64_t> x) {
  return s(u(x.back()) - u(x.front())) / static_cast<int64_t>(x.size() - 1);
}

residuals predict(std::span<const int64_t> x, order o) {
  residuals r;
  if (o == order::linear) {
    r.heads.push_back(x[0]);
    if (x.size() < 2) return r;
    const int64_t step = line_step(x);
    r.heads.push_back(step);
    for (size_t i = 1; i < x.size(); ++i) r.rest.push_back(s(u(x[i]) - u(x[0]) - i * u(step)));
    return r;
  }
  std::vector<int64_t> y(x.begin(), x.end());
  const auto k = static_cast<unsigned>(o);
  for (unsigned pass = 0; pass < k; ++pass)
    for (size_t i = y.size(); i-- > pass + 1;) y[i] = s(u(y[i]) - u(y[i - 1]));
  const size_t heads = std::min<size_t>(k, y.size());
  r.heads.assign(y.begin(), y.begin() + static_cast<ptrdiff_t>(heads));
  r.rest.assign(y.begin() + static_cast<ptrdiff_t>(heads), y.end());
  return r;
}

/// The inverse of `predict`: `out` holds the residuals at their positions
/// (after the heads' slots); `heads` are the stored heads.
void rebuild(std::span<const int64_t> heads, std::span<int64_t> out, order o) {
  if (out.empty()) return;
  if (o == order::linear) {
    const uint64_t x0 = u(heads[0]);
    out[0] = heads[0];
    for (size_t i = 1; i < out.size(); ++i) out[i] = s(u(out[i]) + x0 + i * u(heads[1]));
    return;
  }
  std::copy(heads.begin(), heads.end(), out.begin());
  for (unsigned pass = static_cast<unsigned>(o); pass-- > 0;)
    for (size_t i = pass + 1; i < out.size(); ++i) out[i] = s(u(out[i]) + u(out[i - 1]));
}

/// Heads stored for `n` values: linear keeps x0 and its step in two heads
/// but then has n - 1 residuals, so its heads take the place of x0 and x1.
size_t head_count(order o, size_t n) {
  return std::min<size_t>(o == order::linear ? 2 : static_cast<unsigned>(o), n);
}

/// A predictor and layout for a column, sized before anything is written.
struct column_choice {
  order predictor = order::raw;
  unsigned layout = 0;
  residuals r;
  std::optional<packed_ints_plan> plan;
  size_t size = std::numeric_limits<size_t>::max();
};

size_t varint_bytes(std::span<const int64_t> values) {
  size_t n = 0;
  for (const int64_t v : values) n += bits::uvarint_size(bits::zigzag(v));
  return n;
}

/// The best layout for one predictor's residuals.
column_choice best_layout(residuals r, order o, std::optional<int_packing> packing) {
  column_choice c{.predictor = o, .layout = repeat_layout, .r = {}, .plan = {}, .size = 0};
  const size_t fixed = 1 + varint_bytes(r.heads);
  const auto& rest = r.rest;
  if (std::adjacent_find(rest.begin(), rest.end(), std::not_equal_to<>{}) == rest.end()) {
    c.size = fixed + varint_bytes(std::span{rest}.first(std::min<size_t>(1, rest.size())));
  } else {
    c.size = std::numeric_limits<size_t>::max();
    if (!packing || *packing == int_packing::varint) {
      c.layout = static_cast<unsigned>(int_packing::varint);
      c.size = fixed + varint_bytes(rest);
    }
    if (!packing || *packing == int_packing::packed) {
      packed_ints_plan plan{rest};
      if (fixed + plan.size() < c.size) {
        c.layout = static_cast<unsigned>(int_packing::packed);
        c.size = fixed + plan.size();
        c.plan = std::move(plan);
      }
    }
  }
  c.r = std::move(r);
  return c;
}

void write(const column_choice& c, std::vector<uint8_t>& out) {
  out.push_back(static_cast<uint8_t>(static_cast<unsigned>(c.predictor) | (c.layout << 2)));
  for (const int64_t h : c.r.heads) bytes::put_varint(out, h);
  if (c.r.rest.empty()) return;
  if (c.plan) {
    c.plan->write(out);
  } else if (c.layout == repeat_layout) {
    bytes::put_varint(out, c.r.rest.front());
  } else {
    for (const int64_t v : c.r.rest) bytes::put_varint(out, v);
  }
}

bool read_residuals(byte_reader& in, unsigned layout, std::span<int64_t> rest) {
  if (rest.empty()) return true;
  if (layout == static_cast<unsigned>(int_packing::packed)) return decode_packed_ints(in, rest);
  if (layout == repeat_layout) {
    auto v = in.varint("repeated residual");
    if (!v) return false;
    std::fill(rest.begin(), rest.end(), *v);
    return true;
  }
  for (int64_t& r : rest) {
    auto v = in.varint("int column residual");
    if (!v) return false;
    r = *v;
  }
  return true;
}

}  // namespace

/*
 * Column layout (n values; n is known to the reader):
 *
 *   u8       descriptor   bits 0-1 predictor, bits 2-3 layout, bits 4-7 zero
 *   varint   heads        zigzag varints, min(2, n) for `linear`, else
 *                         min(order, n): x0, then x1 - x0
 *   residuals             the other values' residuals:
 *                           layout 0  one zigzag varint each
 *                           layout 1  packed_ints (packed_ints.cpp)
 *                           layout 2  one zigzag varint, repeated
 *
 * Predictors: 0 raw (residual x_i), 1 delta (x_i - x_i-1), 2 delta of
 * delta ((x_i - x_i-1) - (x_i-1 - x_i-2)), 3 linear (heads x0 and a step s;
 * residual x_i - (x0 + i s) for i >= 1). Arithmetic is modulo 2^64.
 */
void encode_int_column(std::span<const int64_t> values, std::vector<uint8_t>& out,
                       std::optional<int_packing> packing) {
  if (values.empty()) {
    out.push_back(0);  // just a descriptor
    return;
  }
  column_choice best;
  for (const auto o : {order::raw, order::delta, order::dod, order::linear}) {
    column_choice c = best_layout(predict(values, o), o, packing);
    if (c.size < best.size) best = std::move(c);
  }
  write(best, out);
}

bool decode_int_column(byte_reader& in, std::span<int64_t> out) {
  const size_t at = in.offset();
  auto descriptor = in.u8("int column descriptor");
  if (!descriptor) return false;
  const auto o = static_cast<order>(*descriptor & 3);
  const unsigned layout = (*descriptor >> 2) & 3;
  if (layout >= layout_count || (*descriptor >> 4) != 0) {
    in.fail_at(at, "unknown int column descriptor " + std::to_string(*descriptor));
    return false;
  }
  std::array<int64_t, 2> heads{};
  const size_t head_n = head_count(o, out.size());
  for (size_t i = 0; i < head_n; ++i) {
    auto head = in.varint("int column head");
    if (!head) return false;
    heads[i] = *head;
  }
  // Linear's second head is its step, not a value: its residuals start at x1.
  const size_t first = o == order::linear ? std::min<size_t>(1, out.size()) : head_n;
  if (!read_residuals(in, layout, out.subspan(first))) return false;
  rebuild(std::span{heads}.first(head_n), out, o);
  return true;
}

}  // namespace vigil
