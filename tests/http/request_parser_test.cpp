#include "runtime/http/request_parser.hpp"

#include <catch2/catch.hpp>

using namespace vigil::http;
using namespace vigil::http::detail;
using outcome = request_parser::outcome;

TEST_CASE("request_parser splits the target and decodes the path", "[http][parser]") {
  request_parser p({});
  const std::string text =
      "GET /api/v1/label/a%20b/values?match%5B%5D=up&x=1#frag HTTP/1.1\r\n"
      "Host: h\r\nX-Multi: a\r\n\r\n";
  auto r = p.feed(text);
  REQUIRE(r.state == outcome::complete);
  CHECK(r.consumed == text.size());
  const request req = p.take();
  CHECK(req.method == "GET");
  CHECK(req.path == "/api/v1/label/a b/values");
  CHECK(req.query == "match%5B%5D=up&x=1");
  CHECK(req.header("x-multi") == "a");
  CHECK(p.keep_alive());
}

TEST_CASE("request_parser stops after each pipelined request", "[http][parser]") {
  request_parser p({});
  const std::string first = "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
  const std::string second = "GET /b HTTP/1.0\r\n\r\n";
  auto r = p.feed(first + second);
  REQUIRE(r.state == outcome::complete);
  CHECK(r.consumed == first.size());
  CHECK(p.take().body == "abc");
  r = p.feed(second);
  REQUIRE(r.state == outcome::complete);
  CHECK(p.take().path == "/b");
  CHECK(p.http_1_0());
  CHECK_FALSE(p.keep_alive());
}

TEST_CASE("request_parser accepts byte-by-byte input", "[http][parser]") {
  request_parser p({});
  const std::string text =
      "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto r = p.feed(std::string_view(text).substr(i, 1));
    REQUIRE(r.consumed == 1);
    if (i + 1 < text.size())
      REQUIRE(r.state == outcome::need_more);
    else
      REQUIRE(r.state == outcome::complete);
  }
  CHECK(p.take().body == "abc");
}

TEST_CASE("request_parser enforces its limits", "[http][parser]") {
  request_parser p({.max_header_bytes = 100, .max_body_bytes = 10});
  SECTION("headers") {
    auto r = p.feed("GET / HTTP/1.1\r\nX: " + std::string(200, 'a') + "\r\n\r\n");
    CHECK(r.state == outcome::failed);
    CHECK(p.error_status() == 431);
  }
  SECTION("Content-Length") {
    auto r = p.feed("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n");
    CHECK(r.state == outcome::failed);
    CHECK(p.error_status() == 413);
  }
  SECTION("chunks") {
    auto r = p.feed(
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n"
        "8\r\n12345678\r\n");
    CHECK(r.state == outcome::failed);
    CHECK(p.error_status() == 413);
  }
  SECTION("garbage") {
    auto r = p.feed("\x01\x02 nonsense\r\n\r\n");
    CHECK(r.state == outcome::failed);
    CHECK(p.error_status() == 400);
    CHECK(p.feed("GET / HTTP/1.1\r\n\r\n").state == outcome::failed);  // terminal
  }
  SECTION("unknown expectation") {
    auto r = p.feed("POST / HTTP/1.1\r\nExpect: magic\r\nContent-Length: 1\r\n\r\n");
    CHECK(r.state == outcome::failed);
    CHECK(p.error_status() == 417);
  }
}

TEST_CASE("request_parser flags 100-continue only when a body follows", "[http][parser]") {
  request_parser p({});
  auto r = p.feed("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  CHECK(r.state == outcome::need_more);
  CHECK(p.take_continue());
  CHECK_FALSE(p.take_continue());
  REQUIRE(p.feed("ok").state == outcome::complete);
  CHECK(p.take().body == "ok");
  r = p.feed("GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n");
  CHECK(r.state == outcome::complete);
  CHECK_FALSE(p.take_continue());
}
