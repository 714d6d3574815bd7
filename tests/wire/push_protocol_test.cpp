// Encodings compared byte for byte with Python's msgpack (Debian's
// python3-msgpack 1.0.3, msgpack.packb; the same hex is in
// docs/protocol.md), and round trips through the decoders.

#include "runtime/wire/push_protocol.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "runtime/wire/push_decoder.hpp"
#include "runtime/wire/push_encoder.hpp"

using namespace vigil;
using namespace vigil::wire::push;

namespace {

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

template <class Message>
std::string encoded(const Message& m) {
  std::string out;
  encode(m, out);
  return out;
}

series_write series(std::vector<label> pairs, series_write::sample_list samples) {
  return {*labels::from(std::move(pairs)), std::move(samples)};
}

write_msg example_write() {
  write_msg m;
  m.seq = 7;
  m.series.push_back(
      series({{"__name__", "up"}, {"job", "node"}}, {{1700000000000, 1.0}, {1700000015000, 0.0}}));
  m.series.push_back(
      series({{"__name__", "temp_celsius"}, {"room", "lab"}}, {{1700000000000, 21.5}}));
  return m;
}

template <class Message>
Message decoded_client(const std::string& bytes) {
  auto m = read_client_message(bytes);
  if (auto* r = std::get_if<rejection>(&m)) FAIL(r->reply.message);
  return std::get<Message>(m);
}

template <class Message>
Message decoded_server(const std::string& bytes) {
  auto m = read_server_message(bytes);
  if (auto* r = std::get_if<rejection>(&m)) FAIL(r->reply.message);
  return std::get<Message>(m);
}

const std::string hello_hex =
    "93a568656c6c6f0182a5746f6b656ea6733363726574a6636c69656e74ab6578616d706c652f312e30";
const std::string welcome_hex =
    "93a777656c636f6d650183a46e6f6465a7766967696c2d31b16d61785f6d6573736167655f6279746573ce0040"
    "0000ac6d61785f696e666c6967687410";
const std::string write_hex =
    "93a5777269746507929382a85f5f6e616d655f5fa27570a36a6f62a46e6f646592cf0000018bcfe56800cf0000"
    "018bcfe5a29892cb3ff0000000000000cb00000000000000009382a85f5f6e616d655f5fac74656d705f63656c"
    "73697573a4726f6f6da36c616291cf0000018bcfe5680091cb4035800000000000";
const std::string ack_hex =
    "94a361636b0702919301ac6f75745f6f665f6f72646572bc6f6c646572207468616e20746865206e6577657374"
    "2073616d706c65";
const std::string error_hex =
    "94a56572726f7208ab6261645f6d657373616765d935777269746520383a2073657269657320303a2074696d65"
    "7374616d707320686173203220656e74726965732c2076616c7565732031";
const std::string error_nil_hex =
    "94a56572726f72c0ac756e617574686f72697a6564ad746f6b656e2072656675736564";

}  // namespace

TEST_CASE("code names round trip", "[push_protocol]") {
  for (int i = 0; i <= static_cast<int>(code::internal); ++i) {
    const auto c = static_cast<code>(i);
    CHECK(code_from(to_string(c)) == c);
  }
  CHECK(to_string(code::too_large) == "too_large");
  CHECK_FALSE(code_from("nope"));
}

TEST_CASE("client messages encode as python msgpack does", "[push_protocol]") {
  CHECK(encoded(hello_msg{1, "s3cret", "example/1.0"}) == from_hex(hello_hex));
  CHECK(encoded(example_write()) == from_hex(write_hex));
  CHECK(encoded(ping_msg{9}) == from_hex("92a470696e6709"));
}

TEST_CASE("server messages encode as python msgpack does", "[push_protocol]") {
  CHECK(encoded(welcome_msg{1, "vigil-1", 4194304, 16}) == from_hex(welcome_hex));
  CHECK(encoded(ack_msg{7, 2, {{1, "out_of_order", "older than the newest sample"}}}) ==
        from_hex(ack_hex));
  CHECK(encoded(error_msg{8, code::bad_message,
                          "write 8: series 0: timestamps has 2 entries, values 1"}) ==
        from_hex(error_hex));
  CHECK(encoded(error_msg{std::nullopt, code::unauthorized, "token refused"}) ==
        from_hex(error_nil_hex));
  CHECK(encoded(pong_msg{9}) == from_hex("92a4706f6e6709"));
}

TEST_CASE("client messages round trip", "[push_protocol]") {
  const auto hello = decoded_client<hello_msg>(from_hex(hello_hex));
  CHECK(hello.version == 1);
  CHECK(hello.token == "s3cret");
  CHECK(hello.client == "example/1.0");

  const auto sent = example_write();
  const auto got = decoded_client<write_msg>(encoded(sent));
  CHECK(got.seq == 7);
  REQUIRE(got.series.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(got.series[i].ls == sent.series[i].ls);
    CHECK(got.series[i].samples == sent.series[i].samples);
  }
  CHECK(got.positions == std::vector<std::size_t>{0, 1});
  CHECK(got.issues.empty());

  CHECK(decoded_client<ping_msg>(encoded(ping_msg{UINT64_MAX})).seq == UINT64_MAX);
}

TEST_CASE("extreme samples survive a round trip bit for bit", "[push_protocol]") {
  write_msg m;
  m.seq = 0;
  m.series.push_back(series({{"__name__", "x"}}, {{INT64_MIN, -0.0},
                                                  {-1, stale_marker()},
                                                  {0, std::numeric_limits<double>::infinity()},
                                                  {INT64_MAX, 1e-310}}));
  const auto got = decoded_client<write_msg>(encoded(m));
  REQUIRE(got.series.size() == 1);
  CHECK(got.series[0].samples == m.series[0].samples);
}

TEST_CASE("server messages round trip", "[push_protocol]") {
  const auto welcome = decoded_server<welcome_msg>(from_hex(welcome_hex));
  CHECK(welcome.node == "vigil-1");
  CHECK(welcome.max_message_bytes == 4194304);
  CHECK(welcome.max_inflight == 16);

  const auto ack = decoded_server<ack_msg>(from_hex(ack_hex));
  CHECK(ack.seq == 7);
  CHECK(ack.accepted == 2);
  REQUIRE(ack.issues.size() == 1);
  CHECK(ack.issues[0].series_index == 1);
  CHECK(ack.issues[0].code == "out_of_order");
  CHECK(ack.issues[0].message == "older than the newest sample");

  CHECK(decoded_server<error_msg>(from_hex(error_hex)) ==
        error_msg{8, code::bad_message, "write 8: series 0: timestamps has 2 entries, values 1"});
  CHECK(decoded_server<error_msg>(from_hex(error_nil_hex)) ==
        error_msg{std::nullopt, code::unauthorized, "token refused"});
  CHECK(decoded_server<pong_msg>(from_hex("92a4706f6e6709")).seq == 9);
}
