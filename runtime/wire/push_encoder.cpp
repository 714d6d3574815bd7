#include "runtime/wire/push_encoder.hpp"

#include <bit>
#include <msgpack.hpp>

namespace vigil::wire::push {
namespace {

// msgpack::packer's output stream.
struct string_sink {
  std::string& out;
  void write(const char* data, std::size_t size) { out.append(data, size); }
};

class writer {
 public:
  explicit writer(std::string& out) : sink_{out}, packer_{sink_} {}

  writer& array(std::size_t size) {
    packer_.pack_array(static_cast<uint32_t>(size));
    return *this;
  }
  writer& map(std::size_t size) {
    packer_.pack_map(static_cast<uint32_t>(size));
    return *this;
  }
  writer& str(std::string_view s) {
    packer_.pack_str(static_cast<uint32_t>(s.size()));
    packer_.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
    return *this;
  }
  writer& uint(uint64_t value) {
    packer_.pack_uint64(value);
    return *this;
  }
  writer& sint(int64_t value) {
    packer_.pack_int64(value);
    return *this;
  }
  // Always float64: msgpack-cxx 4's pack_double writes integral values as
  // integers, which loses -0.0 and differs from what Python writes.
  writer& real(double value) {
    const uint64_t bits = std::bit_cast<uint64_t>(value);
    char bytes[9] = {'\xcb'};
    for (int i = 0; i < 8; ++i) bytes[8 - i] = static_cast<char>(bits >> (8 * i));
    sink_.write(bytes, sizeof bytes);
    return *this;
  }
  writer& nil() {
    packer_.pack_nil();
    return *this;
  }

 private:
  string_sink sink_;
  msgpack::packer<string_sink> packer_;
};

}  // namespace

void encode(const hello_msg& m, std::string& out) {
  writer w{out};
  w.array(3).str("hello").uint(m.version).map(2);
  w.str("token").str(m.token).str("client").str(m.client);
}

void encode(const write_msg& m, std::string& out) {
  encode_write(m.seq, m.series, out);
}

void encode_write(uint64_t seq, std::span<const series_write> series, std::string& out) {
  writer w{out};
  w.array(3).str("write").uint(seq).array(series.size());
  for (const auto& s : series) {
    w.array(3).map(s.ls.size());
    for (const auto& l : s.ls) w.str(l.name).str(l.value);
    w.array(s.samples.size());
    for (const auto& x : s.samples) w.sint(x.t);
    w.array(s.samples.size());
    for (const auto& x : s.samples) w.real(x.v);
  }
}

void encode(const ping_msg& m, std::string& out) {
  writer{out}.array(2).str("ping").uint(m.seq);
}

void encode(const welcome_msg& m, std::string& out) {
  writer w{out};
  w.array(3).str("welcome").uint(m.version).map(3);
  w.str("node").str(m.node);
  w.str("max_message_bytes").uint(m.max_message_bytes);
  w.str("max_inflight").uint(m.max_inflight);
}

void encode(const ack_msg& m, std::string& out) {
  writer w{out};
  w.array(4).str("ack").uint(m.seq).uint(m.accepted).array(m.issues.size());
  for (const auto& i : m.issues) w.array(3).uint(i.series_index).str(i.code).str(i.message);
}

void encode(const error_msg& m, std::string& out) {
  writer w{out};
  w.array(4).str("error");
  if (m.seq)
    w.uint(*m.seq);
  else
    w.nil();
  w.str(to_string(m.reason)).str(m.message);
}

void encode(const pong_msg& m, std::string& out) {
  writer{out}.array(2).str("pong").uint(m.seq);
}

}  // namespace vigil::wire::push
