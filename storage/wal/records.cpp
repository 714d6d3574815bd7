#include "storage/wal/records.hpp"

#include <bit>

namespace vigil::wal {
namespace {

constexpr size_t max_varint_bytes = 10;

uint64_t zigzag(int64_t v) {
  return (uint64_t(v) << 1) ^ uint64_t(v >> 63);
}
int64_t unzigzag(uint64_t v) {
  return int64_t(v >> 1) ^ -int64_t(v & 1);
}

// Writes into space the caller reserved: encoders size `out` for the worst
// case once and shrink at the end, instead of growing per byte.
char* put_uvarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = char(v | 0x80);
    v >>= 7;
  }
  *p++ = char(v);
  return p;
}

char* put_le64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) *p++ = char((v >> (8 * i)) & 0xff);
  return p;
}

void append_uvarint(std::string& out, uint64_t v) {
  char buf[max_varint_bytes];
  out.append(buf, size_t(put_uvarint(buf, v) - buf));
}

void append_string(std::string& out, std::string_view s) {
  append_uvarint(out, s.size());
  out += s;
}

// Reads a payload front to back. The first failure sticks: later reads
// return zeroes, and `result` reports the offset where decoding went wrong.
class decoder {
 public:
  decoder(std::string_view data, std::string_view what) : data_(data), what_(what) {}

  uint64_t uvarint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && !err_; shift += 7) {
      if (pos_ >= data_.size()) return fail("truncated varint");
      auto byte = uint8_t(data_[pos_++]);
      if (shift == 63 && byte > 1) return fail("varint overflows 64 bits");
      v |= uint64_t(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    return err_ ? 0 : fail("varint overflows 64 bits");
  }

  int64_t varint() { return unzigzag(uvarint()); }

  uint64_t le64() {
    if (err_) return 0;
    if (data_.size() - pos_ < 8) return fail("truncated 8-byte value");
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | uint8_t(data_[pos_ + size_t(i)]);
    pos_ += 8;
    return v;
  }

  std::string string() {
    uint64_t n = uvarint();
    if (err_) return {};
    if (n > data_.size() - pos_) {
      fail("string length exceeds payload");
      return {};
    }
    std::string s{data_.substr(pos_, n)};
    pos_ += n;
    return s;
  }

  // A count of items needing at least `min_bytes` each, checked against
  // what is left so a corrupt count cannot make the caller over-allocate.
  uint64_t count(size_t min_bytes) {
    uint64_t n = uvarint();
    if (!err_ && n > (data_.size() - pos_) / min_bytes) return fail("count exceeds payload");
    return n;
  }

  std::optional<error> result() {
    if (!err_ && pos_ != data_.size()) fail("trailing bytes");
    return err_;
  }

  bool ok() const { return !err_; }

 private:
  uint64_t fail(std::string_view why) {
    if (!err_)
      err_ = error{errc::corruption, std::string{what_} + " record: offset " +
                                         std::to_string(pos_) + ": " + std::string{why}};
    return 0;
  }

  std::string_view data_;
  std::string_view what_;
  size_t pos_ = 0;
  std::optional<error> err_;
};

}  // namespace

void encode_series(std::span<const series_entry> entries, std::string& out) {
  append_uvarint(out, entries.size());
  for (const auto& e : entries) {
    append_uvarint(out, e.id);
    append_uvarint(out, e.lbls.size());
    for (const auto& l : e.lbls) {
      append_string(out, l.name);
      append_string(out, l.value);
    }
  }
}

std::optional<error> decode_series(std::string_view payload, std::vector<series_entry>& out) {
  out.clear();
  decoder d(payload, "series");
  // Smallest entry: an id and a zero label count.
  const uint64_t n = d.count(2);
  out.reserve(n);
  for (uint64_t i = 0; i < n && d.ok(); ++i) {
    series_id id = d.uvarint();
    const uint64_t k = d.count(2);
    std::vector<label> pairs;
    pairs.reserve(k);
    for (uint64_t j = 0; j < k && d.ok(); ++j) {
      std::string name = d.string();
      pairs.push_back(label{std::move(name), d.string()});
    }
    out.push_back(series_entry{id, labels::from_sorted(std::move(pairs))});
  }
  return d.result();
}

void encode_samples(std::span<const sample_entry> entries, std::string& out) {
  const size_t start = out.size();
  out.resize(start + max_varint_bytes * (3 + 2 * entries.size()) + 8 * entries.size());
  char* p = put_uvarint(out.data() + start, entries.size());
  if (!entries.empty()) {
    const series_id id0 = entries.front().id;
    const timestamp t0 = entries.front().t;
    p = put_uvarint(p, id0);
    p = put_uvarint(p, zigzag(t0));
    for (const auto& e : entries) {
      // Unsigned subtraction wraps instead of overflowing; zigzag makes
      // small negative deltas (ids below the first) small too.
      p = put_uvarint(p, zigzag(int64_t(e.id - id0)));
      p = put_uvarint(p, zigzag(int64_t(uint64_t(e.t) - uint64_t(t0))));
      p = put_le64(p, std::bit_cast<uint64_t>(e.v));
    }
  }
  out.resize(size_t(p - out.data()));
}

std::optional<error> decode_samples(std::string_view payload, std::vector<sample_entry>& out) {
  out.clear();
  decoder d(payload, "samples");
  // Smallest entry: two one-byte deltas and the 8-byte value.
  const uint64_t n = d.count(10);
  if (n == 0) return d.result();
  const series_id id0 = d.uvarint();
  const auto t0 = uint64_t(d.varint());
  out.reserve(n);
  for (uint64_t i = 0; i < n && d.ok(); ++i) {
    sample_entry e;
    e.id = id0 + uint64_t(d.varint());
    e.t = timestamp(t0 + uint64_t(d.varint()));
    e.v = std::bit_cast<double>(d.le64());
    out.push_back(e);
  }
  return d.result();
}

void encode_tombstones(std::span<const series_id> ids, std::string& out) {
  append_uvarint(out, ids.size());
  for (series_id id : ids) append_uvarint(out, id);
}

std::optional<error> decode_tombstones(std::string_view payload, std::vector<series_id>& out) {
  out.clear();
  decoder d(payload, "tombstones");
  const uint64_t n = d.count(1);
  out.reserve(n);
  for (uint64_t i = 0; i < n && d.ok(); ++i) out.push_back(d.uvarint());
  return d.result();
}

}  // namespace vigil::wal
