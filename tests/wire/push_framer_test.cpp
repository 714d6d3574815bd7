#include "runtime/wire/push_framer.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/wire/push_bytes.hpp"

using namespace vigil::wire::push;

namespace {

std::vector<std::string> drain(framer& f) {
  std::vector<std::string> out;
  while (auto frame = f.next()) out.emplace_back(*frame);
  return out;
}

const std::string ping = mp::array(2) + mp::str("ping") + mp::uint(1);
const std::string write_bytes = mp::write(5, {mp::simple_series("a"), mp::simple_series("b")});

}  // namespace

TEST_CASE("messages are framed in any chunking", "[push_framer]") {
  const std::string stream = write_bytes + ping + write_bytes;
  for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{7}, stream.size()}) {
    INFO(chunk);
    framer f{1024};
    std::vector<std::string> got;
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
      f.feed(std::string_view{stream}.substr(at, chunk));
      for (auto& m : drain(f)) got.push_back(m);
    }
    CHECK(got == std::vector<std::string>{write_bytes, ping, write_bytes});
    CHECK(f.partial_bytes() == 0);
    CHECK_FALSE(f.failure());
  }
}

TEST_CASE("scalars, empty containers and payloads end messages", "[push_framer]") {
  framer f{64};
  f.feed("\x01\x90\x80" + mp::str("") + mp::array(1) + "\xd8\x01" + std::string(16, 'x'));
  CHECK(drain(f).size() == 5);
  CHECK(f.partial_bytes() == 0);
}

TEST_CASE("a message of exactly max_message_bytes passes", "[push_framer]") {
  framer f{ping.size()};
  f.feed(ping);
  CHECK(drain(f) == std::vector<std::string>{ping});
  CHECK_FALSE(f.failure());
}

TEST_CASE("a message one byte over the limit is too large", "[push_framer]") {
  framer f{ping.size() - 1};
  f.feed(ping);
  CHECK(drain(f).empty());
  REQUIRE(f.failure());
  CHECK(f.failure()->reply.reason == code::too_large);
  CHECK(f.failure()->reply.message == "message of " + std::to_string(ping.size()) +
                                          " bytes exceeds max_message_bytes " +
                                          std::to_string(ping.size() - 1));
  CHECK(f.failure()->fatal);
}

TEST_CASE("a header announcing too much fails before its payload arrives", "[push_framer]") {
  framer f{1 << 20};
  f.feed(mp::array(2) + "\xdb" + mp::big_endian(50u << 20, 4));
  REQUIRE(f.failure());
  CHECK(f.failure()->reply.reason == code::too_large);
  CHECK(f.failure()->reply.message ==
        "message of at least 52428807 bytes exceeds max_message_bytes 1048576");
  CHECK(f.partial_bytes() == 0);
}

TEST_CASE("an array header of 4 billion elements costs nothing", "[push_framer]") {
  framer f{4 << 20};
  f.feed(mp::array(0xffffffffu));
  REQUIRE(f.failure());
  CHECK(f.failure()->reply.reason == code::too_large);
}

TEST_CASE("an incomplete message fails once its bytes pass the limit", "[push_framer]") {
  // Ten float64s announce ten bytes; each one read shows eight more.
  std::string floats = mp::array(10);
  for (int i = 0; i < 10; ++i) floats += mp::real(i);
  framer f{50};
  f.feed(floats + ping);
  CHECK_FALSE(f.next());
  REQUIRE(f.failure());
  CHECK(f.failure()->reply.message == "message of at least 51 bytes exceeds max_message_bytes 50");
  CHECK(f.partial_bytes() == 0);
}

TEST_CASE("a message completed by a later chunk comes before the ones after it", "[push_framer]") {
  framer f{100};
  f.feed(mp::array(80) + std::string(60, '\x01'));  // 60 of 80 fixints
  CHECK_FALSE(f.next());
  CHECK(f.partial_bytes() == 65);
  f.feed(std::string(100, '\x01'));  // the other 20, then 80 one-byte messages
  CHECK(drain(f).size() == 1 + 80);
  CHECK_FALSE(f.failure());
}

TEST_CASE("messages before a failure are returned first", "[push_framer]") {
  framer f{32};
  f.feed(ping + ping + "\xc1" + ping);
  CHECK_FALSE(f.failure());  // not yet: two messages wait
  CHECK(drain(f) == std::vector<std::string>{ping, ping});
  REQUIRE(f.failure());
  CHECK(f.failure()->reply.reason == code::bad_message);
  CHECK(f.failure()->reply.message == "byte 0xc1 at offset 0 of a message is not msgpack");
  f.feed(ping);
  CHECK_FALSE(f.next());
}

TEST_CASE("nesting deeper than max_nesting fails", "[push_framer]") {
  framer f{1024};
  std::string deep;
  for (std::size_t i = 0; i <= max_nesting; ++i) deep += mp::array(1);
  f.feed(deep);
  REQUIRE(f.failure());
  CHECK(f.failure()->reply.message == "arrays and maps nested deeper than 8 levels");
  framer ok{1024};
  ok.feed(deep.substr(1) + "\x01");
  CHECK(drain(ok).size() == 1);
}
