// The push server against the client library (and a raw socket for what
// the client never sends), over a fake storage.

#include "runtime/push/server.hpp"

#include <catch2/catch.hpp>
#include <future>

#include "tests/runtime/push/push_fixture.hpp"
#include "tests/wire/push_bytes.hpp"

using namespace vigil;
using namespace vigil::push::test;

TEST_CASE("a client is welcomed and its writes are acknowledged", "[push_server]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c);
  CHECK(c->welcome().node == "test-node");
  CHECK(c->welcome().max_message_bytes == proto::default_max_message_bytes);
  CHECK(c->welcome().max_inflight == proto::default_max_inflight);
  const std::vector<series_write> batch{series("up", 2), series("temp")};
  auto seq = c->write(batch);
  REQUIRE(seq);
  CHECK(*seq == 1);
  auto ack = ack_of(c->next_answer());
  CHECK(ack.seq == 1);
  CHECK(ack.accepted == 3);
  CHECK(ack.issues.empty());
  CHECK(f.storage.samples() == 3);
  CHECK(f.registry.render().find("vigil_push_samples_accepted_total 3") != std::string::npos);
}

TEST_CASE("a refused token is answered unauthorized and the connection closes", "[push_server]") {
  server_fixture f;
  auto c = f.connect("wrong");
  REQUIRE_FALSE(c);
  CHECK(c.error_value().code == errc::unauthorized);
  CHECK(c.error_value().message == "server: unauthorized: token refused");

  raw_socket raw{f.port};
  std::string hello;
  proto::encode(proto::hello_msg{1, "", "raw"}, hello);
  raw.send(hello);
  CHECK(raw.next_error() ==
        proto::error_msg{std::nullopt, proto::code::unauthorized, "token refused"});
  CHECK_FALSE(raw.next());  // closed
}

TEST_CASE("a bad handshake is answered and closed", "[push_server]") {
  server_fixture f;
  SECTION("another version") {
    raw_socket raw{f.port};
    std::string hello;
    proto::encode(proto::hello_msg{2, "good", "raw"}, hello);
    raw.send(hello);
    CHECK(raw.next_error().reason == proto::code::unsupported_version);
    CHECK_FALSE(raw.next());
  }
  SECTION("a write first") {
    raw_socket raw{f.port};
    std::string write;
    proto::encode_write(1, std::vector{series("up")}, write);
    raw.send(write);
    CHECK(raw.next_error() == proto::error_msg{std::nullopt, proto::code::bad_message,
                                               "the first message must be a hello"});
    CHECK_FALSE(raw.next());
  }
  SECTION("no hello at all") {
    raw_socket raw{f.port};
    CHECK(raw.next_error() ==
          proto::error_msg{std::nullopt, proto::code::bad_message, "no hello within 300 ms"});
    CHECK_FALSE(raw.next());
  }
}

TEST_CASE("pings are answered with pongs", "[push_server]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c);
  for (int i = 0; i < 3; ++i) CHECK(c->ping());
}

TEST_CASE("writes are answered in order although storage answers out of order", "[push_server]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c);
  f.storage.hold(true);
  for (const char* name : {"a", "b", "c"}) REQUIRE(c->write(std::vector{series(name)}));
  REQUIRE(f.storage.wait_held(3));
  f.storage.release(2);  // c
  f.storage.release(0);  // a
  CHECK(ack_of(c->next_answer()).seq == 1);
  f.storage.release(0);  // b
  CHECK(ack_of(c->next_answer()).seq == 2);
  CHECK(ack_of(c->next_answer()).seq == 3);
}

TEST_CASE("a client that ignores max_inflight is slowed down, not failed", "[push_server]") {
  auto options = quick_options();
  options.max_inflight = 2;
  server_fixture f{options};
  f.storage.hold(true);
  raw_socket raw{f.port};
  raw.handshake();
  constexpr int writes = 200;
  std::string all;
  for (int i = 1; i <= writes; ++i) proto::encode_write(i, std::vector{series("up", 3)}, all);
  raw.send(all);  // fits in the socket buffers: the server does not read it all
  for (int i = 1; i <= writes; ++i) {
    REQUIRE(f.storage.wait_held(1));
    // The server has stopped reading: storage never sees more than 2.
    CHECK(f.storage.held_count() <= 2);
    f.storage.release(0);
    auto m = raw.next();
    REQUIRE(m);
    REQUIRE(std::holds_alternative<proto::ack_msg>(*m));
    CHECK(std::get<proto::ack_msg>(*m).seq == static_cast<uint64_t>(i));
  }
  CHECK(f.storage.max_held() == 2);
  CHECK(f.storage.samples() == 3 * writes);
}

TEST_CASE("rejected writes are answered with errors and the stream goes on", "[push_server]") {
  server_fixture f;
  raw_socket raw{f.port};
  raw.handshake();
  // timestamps and values of different lengths
  raw.send(mp::write(5, {mp::array(3) + mp::map(1) + mp::str("__name__") + mp::str("up") +
                         mp::array(2) + mp::sint(1) + mp::sint(2) + mp::array(1) + mp::real(1)}));
  auto e = raw.next_error();
  CHECK(e.seq == 5u);
  CHECK(e.reason == proto::code::bad_message);
  std::string ping;
  proto::encode(proto::ping_msg{6}, ping);
  raw.send(ping);
  auto m = raw.next();
  REQUIRE(m);
  CHECK(std::holds_alternative<proto::pong_msg>(*m));
}

TEST_CASE("storage failures answer the write with overloaded", "[push_server]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c);
  f.storage.fail(true);
  REQUIRE(c->write(std::vector{series("up")}));
  auto answer = c->next_answer();
  REQUIRE(answer);
  REQUIRE(std::holds_alternative<proto::error_msg>(*answer));
  CHECK(std::get<proto::error_msg>(*answer) ==
        proto::error_msg{1, proto::code::overloaded, "storage is down"});
  f.storage.fail(false);
  REQUIRE(c->write(std::vector{series("up")}));
  CHECK(ack_of(c->next_answer()).accepted == 1);
}

TEST_CASE("framing failures are answered and close the connection", "[push_server]") {
  auto options = quick_options();
  options.max_message_bytes = 1024;
  server_fixture f{options};
  SECTION("a message over max_message_bytes") {
    raw_socket raw{f.port};
    raw.handshake();
    std::string big;
    proto::encode_write(1, std::vector{series("up", 200)}, big);
    raw.send(big);
    CHECK(raw.next_error().reason == proto::code::too_large);
    CHECK_FALSE(raw.next());
  }
  SECTION("a byte that starts no msgpack value") {
    raw_socket raw{f.port};
    raw.handshake();
    raw.send("\xc1garbage");
    auto e = raw.next_error();
    CHECK(e.reason == proto::code::bad_message);
    CHECK_FALSE(e.seq);
    CHECK_FALSE(raw.next());
  }
  SECTION("the client library refuses an oversize write without sending it") {
    auto c = f.connect();
    REQUIRE(c);
    auto seq = c->write(std::vector{series("up", 200)});
    REQUIRE_FALSE(seq);
    CHECK(seq.error_value().code == errc::limit_exceeded);
    CHECK(c->ping());  // still usable
  }
}

TEST_CASE("connections over max_connections are told so and closed", "[push_server]") {
  auto options = quick_options();
  options.max_connections = 1;
  server_fixture f{options};
  auto first = f.connect();
  REQUIRE(first);
  auto second = f.connect();
  REQUIRE_FALSE(second);
  CHECK(second.error_value().code == errc::unavailable);
  CHECK(second.error_value().message ==
        "server: overloaded: too many connections (at most 1); retry later");
  CHECK(first->ping());
}

TEST_CASE("a drain answers the writes read, says goodbye and closes", "[push_server]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c);
  f.storage.hold(true);
  REQUIRE(c->write(std::vector{series("up")}));
  REQUIRE(f.storage.wait_held(1));
  auto drained = std::make_shared<std::promise<void>>();
  f.srv->drain(5s, [drained] { drained->set_value(); });
  f.storage.release(0);
  CHECK(ack_of(c->next_answer()).accepted == 1);
  auto after = c->ping();
  REQUIRE_FALSE(after);
  CHECK(after.error_value().message ==
        "server: overloaded: the node is shutting down; resend unanswered writes");
  CHECK(drained->get_future().wait_for(5s) == std::future_status::ready);
  CHECK_FALSE(f.connect());  // no longer listening
}

TEST_CASE("a drain deadline closes connections whose writes storage never answers",
          "[push_server]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c);
  f.storage.hold(true);
  REQUIRE(c->write(std::vector{series("up")}));
  REQUIRE(f.storage.wait_held(1));
  f.srv->drain(100ms);  // blocking form: returns after the deadline
  auto answer = c->next_answer();
  REQUIRE_FALSE(answer);
  CHECK(answer.error_value().message == "the server closed the connection with writes unanswered");
  f.storage.release(0);  // too late: dropped
}

TEST_CASE("a client that half-closes still gets its answers", "[push_server]") {
  server_fixture f;
  raw_socket raw{f.port};
  raw.handshake();
  std::string writes;
  for (int i = 1; i <= 3; ++i) proto::encode_write(i, std::vector{series("up", 1)}, writes);
  raw.send(writes);
  raw.shutdown_sending();
  for (uint64_t i = 1; i <= 3; ++i) {
    auto m = raw.next();
    REQUIRE(m);
    REQUIRE(std::holds_alternative<proto::ack_msg>(*m));
    CHECK(std::get<proto::ack_msg>(*m).seq == i);
  }
  CHECK_FALSE(raw.next());
}

TEST_CASE("a stream that ends inside a message is answered bad_message", "[push_server]") {
  server_fixture f;
  raw_socket raw{f.port};
  raw.handshake();
  std::string write;
  proto::encode_write(1, std::vector{series("up", 3)}, write);
  raw.send(write.substr(0, write.size() - 4));
  raw.shutdown_sending();
  CHECK(raw.next_error() == proto::error_msg{std::nullopt, proto::code::bad_message,
                                             "the stream ended inside a message (" +
                                                 std::to_string(write.size() - 4) + " bytes)"});
  CHECK_FALSE(raw.next());
}
