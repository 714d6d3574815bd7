#include "runtime/wire/push_decoder.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "runtime/wire/push_encoder.hpp"
#include "tests/wire/push_bytes.hpp"
#include "tests/support/sample_lists.hpp"

using namespace vigil;
using namespace vigil::wire::push;

namespace {

rejection rejected(const std::string& bytes) {
  auto m = read_client_message(bytes);
  REQUIRE(std::holds_alternative<rejection>(m));
  return std::get<rejection>(m);
}

write_msg written(const std::string& bytes) {
  auto m = read_client_message(bytes);
  if (auto* r = std::get_if<rejection>(&m)) FAIL(r->reply.message);
  return std::get<write_msg>(m);
}

std::string labelled(std::string labels_map, int64_t t = 1) {
  return mp::array(3) + labels_map + mp::array(1) + mp::sint(t) + mp::array(1) + mp::real(1);
}

std::string hello(uint64_t version, std::string fields) {
  return mp::array(3) + mp::str("hello") + mp::uint(version) + fields;
}

}  // namespace

TEST_CASE("a message that is not a typed array is a bad message", "[push_decoder]") {
  auto r = rejected(mp::map(0));
  CHECK(r.reply ==
        error_msg{std::nullopt, code::bad_message,
                  "message: expected an array starting with the message type, got a map"});
  CHECK_FALSE(r.fatal);
  CHECK(rejected(mp::array(0)).reply.message ==
        "message: expected an array starting with the message type, got an empty array");
  CHECK(rejected(mp::array(1) + mp::str("fly")).reply.message == "unknown message type \"fly\"");
  CHECK(rejected(mp::array(1) + mp::str("\xff")).reply.message ==
        "unknown message type (a string that is not valid UTF-8)");
  CHECK(rejected(mp::array(2) + mp::str("write") + mp::uint(1)).reply.message ==
        "write: expected an array of 3 elements, got 2");
}

TEST_CASE("write shape errors reject the whole write and name the series", "[push_decoder]") {
  const auto good = mp::simple_series("up");
  std::string short_values =
      mp::array(3) + mp::map(1) + mp::str("__name__") + mp::str("up") + mp::array(5);
  for (int i = 0; i < 5; ++i) short_values += mp::sint(i);
  short_values += mp::array(4);
  for (int i = 0; i < 4; ++i) short_values += mp::real(i);
  auto r = rejected(mp::write(17, {good, good, good, short_values}));
  CHECK(r.reply ==
        error_msg{17, code::bad_message, "write 17: series 3: timestamps has 5 entries, values 4"});
  CHECK_FALSE(r.fatal);

  CHECK(rejected(mp::write(17, {mp::map(0)})).reply.message ==
        "write 17: series 0: expected an array of 3 elements, got a map");
  CHECK(rejected(mp::array(3) + mp::str("write") + mp::sint(-1) + mp::array(0)).reply ==
        error_msg{std::nullopt, code::bad_message,
                  "write: seq: expected an unsigned integer, got an integer"});
  CHECK(rejected(mp::array(3) + mp::str("write") + mp::uint(2) + mp::map(0)).reply ==
        error_msg{2, code::bad_message, "write 2: series: expected an array, got a map"});
  CHECK(rejected(mp::write(1, {labelled(mp::array(0))})).reply.message ==
        "write 1: series 0: labels: expected a map, got an array");
  CHECK(rejected(mp::write(1, {labelled(mp::map(1) + mp::uint(1) + mp::str("x"))})).reply.message ==
        "write 1: series 0: labels: key 0: expected a string, got an integer");
  CHECK(rejected(mp::write(1, {labelled(mp::map(1) + mp::str("job") + mp::nil())})).reply.message ==
        "write 1: series 0: labels: value of \"job\": expected a string, got nil");
}

TEST_CASE("timestamps are int64 and values numbers", "[push_decoder]") {
  const auto series = [](std::string t, std::string v) {
    return mp::array(3) + mp::map(1) + mp::str("__name__") + mp::str("up") + mp::array(1) + t +
           mp::array(1) + v;
  };
  CHECK(rejected(mp::write(3, {series(mp::uint(uint64_t{1} << 63), mp::real(1))})).reply.message ==
        "write 3: series 0: timestamps: entry 0: 9223372036854775808 does not fit in an int64");
  CHECK(rejected(mp::write(3, {series(mp::real(1), mp::real(1))})).reply.message ==
        "write 3: series 0: timestamps: entry 0: expected an integer, got a float");
  CHECK(rejected(mp::write(3, {series(mp::sint(1), mp::str("1"))})).reply.message ==
        "write 3: series 0: values: entry 0: expected a number, got a string");
  const auto w =
      written(mp::write(3, {series(mp::sint(-5), mp::sint(-7)),
                            series(mp::uint(5), std::string("\xca\x3f\xc0\x00\x00", 5))}));
  CHECK(w.series[0].samples == std::vector<sample>{{-5, -7.0}});
  CHECK(w.series[1].samples == std::vector<sample>{{5, 1.5}});
}

TEST_CASE("invalid labels skip their series and keep the rest", "[push_decoder]") {
  const auto name_and = [](std::string k, std::string v) {
    return mp::map(2) + mp::str("__name__") + mp::str("up") + mp::str(k) + mp::str(v);
  };
  const auto w = written(
      mp::write(9, {mp::simple_series("ok_0"), labelled(mp::map(1) + mp::str("job") + mp::str("x")),
                    labelled(name_and("1job", "x")), mp::simple_series("ok_3"),
                    labelled(name_and("__name__", "again")), labelled(name_and("job", "\xc3\x28")),
                    labelled(name_and("j\xff", "x")), mp::simple_series("bad name"),
                    labelled(mp::map(1) + mp::str("__name__") + mp::str(""))}));
  REQUIRE(w.series.size() == 2);
  CHECK(w.series[0].ls.metric_name() == "ok_0");
  CHECK(w.series[1].ls.metric_name() == "ok_3");
  CHECK(w.positions == std::vector<std::size_t>{0, 3});
  const std::vector<std::pair<std::size_t, std::string>> want = {
      {1, "labels: missing __name__"},
      {2, "labels: invalid label name \"1job\""},
      {4, "labels: duplicate label name \"__name__\""},
      {5, "labels: the value of \"job\" is not valid UTF-8"},
      {6, "labels: a label name is not valid UTF-8"},
      {7, "labels: invalid metric name \"bad name\""},
      {8, "labels: missing __name__"},
  };
  REQUIRE(w.issues.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CHECK(w.issues[i].series_index == want[i].first);
    CHECK(w.issues[i].code == "invalid_labels");
    CHECK(w.issues[i].message == want[i].second);
  }
}

TEST_CASE("a hello is checked and every problem with it is fatal", "[push_decoder]") {
  const auto fields = mp::map(3) + mp::str("token") + mp::str("t") + mp::str("client") +
                      mp::str("c") + mp::str("later") + mp::array(0);
  auto ok = read_client_message(hello(1, fields));
  REQUIRE(std::holds_alternative<hello_msg>(ok));
  CHECK(std::get<hello_msg>(ok).token == "t");

  auto version = rejected(hello(2, fields));
  CHECK(version.reply == error_msg{std::nullopt, code::unsupported_version,
                                   "hello: version 2 is not supported (only 1)"});
  CHECK(version.fatal);
  auto missing = rejected(hello(1, mp::map(1) + mp::str("client") + mp::str("c")));
  CHECK(missing.reply.message == "hello: missing \"token\"");
  CHECK(missing.fatal);
  CHECK(rejected(hello(1, mp::map(1) + mp::str("token") + mp::uint(1))).reply.message ==
        "hello: token: expected a string, got an integer");
  CHECK(rejected(mp::array(2) + mp::str("hello") + mp::uint(1)).fatal);
}

TEST_CASE("a stream goes on after a message-level rejection, not after a fatal one",
          "[push_decoder]") {
  const std::string ping = mp::array(2) + mp::str("ping") + mp::uint(4);
  client_stream stream{1024};
  stream.feed(mp::array(1) + mp::str("fly") + ping + hello(7, mp::map(0)) + ping);
  CHECK(std::holds_alternative<rejection>(*stream.next()));
  CHECK(std::get<ping_msg>(*stream.next()).seq == 4);
  CHECK(std::get<rejection>(*stream.next()).fatal);
  CHECK_FALSE(stream.next());
}

TEST_CASE("a stream reports a framing failure after the messages before it", "[push_decoder]") {
  const std::string ping = mp::array(2) + mp::str("ping") + mp::uint(4);
  client_stream stream{ping.size()};
  stream.feed(ping + mp::array(2) + mp::str(std::string(40, 'x')));
  CHECK(std::holds_alternative<ping_msg>(*stream.next()));
  auto failure = stream.next();
  REQUIRE(failure);
  CHECK(std::get<rejection>(*failure).reply.reason == code::too_large);
  CHECK_FALSE(stream.next());
}

TEST_CASE("an HTTP body holds exactly one message", "[push_decoder]") {
  std::string one;
  encode(ping_msg{3}, one);
  CHECK(std::holds_alternative<ping_msg>(decode_client_body(one, 1024)));
  const auto reason = [](const from_client& m) { return std::get<rejection>(m).reply.message; };
  CHECK(reason(decode_client_body(one + one, 1024)) == "body holds bytes after its message");
  CHECK(reason(decode_client_body(one + "\x92", 1024)) == "body holds bytes after its message");
  CHECK(reason(decode_client_body(one.substr(0, 3), 1024)) ==
        "body holds an incomplete message of 3 bytes");
  CHECK(std::get<rejection>(decode_client_body(one, 3)).reply.reason == code::too_large);
}

TEST_CASE("a server stream decodes replies in any chunking", "[push_decoder]") {
  std::string bytes;
  encode(welcome_msg{1, "n", 100, 2}, bytes);
  encode(ack_msg{1, 5, {}}, bytes);
  encode(pong_msg{2}, bytes);
  server_stream stream{1024};
  int seen = 0;
  for (char c : bytes) {
    stream.feed(std::string_view{&c, 1});
    while (auto m = stream.next()) {
      CHECK_FALSE(std::holds_alternative<rejection>(*m));
      ++seen;
    }
  }
  CHECK(seen == 3);
}

TEST_CASE("malformed server messages are fatal rejections", "[push_decoder]") {
  const auto reason = [](const std::string& bytes) {
    auto m = read_server_message(bytes);
    REQUIRE(std::holds_alternative<rejection>(m));
    CHECK(std::get<rejection>(m).fatal);
    return std::get<rejection>(m).reply.message;
  };
  CHECK(reason(mp::array(4) + mp::str("error") + mp::nil() + mp::str("nope") + mp::str("m")) ==
        "error: unknown code \"nope\"");
  CHECK(reason(mp::array(3) + mp::str("welcome") + mp::uint(1) + mp::map(0)) ==
        "welcome: expected \"node\", \"max_message_bytes\" and \"max_inflight\"");
  CHECK(reason(mp::array(4) + mp::str("ack") + mp::uint(1) + mp::uint(0) + mp::array(1) +
               mp::array(2) + mp::uint(0) + mp::str("x")) ==
        "ack 1: issue 0: expected an array of 3 elements, got 2");
}
