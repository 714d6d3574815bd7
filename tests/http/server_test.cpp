// The server's protocol behaviour against a real socket: routing, keep-alive,
// pipelining, bodies, asynchronous and streamed responses, observation.
// Limits, timeouts and shutdown are in server_limits_test.cpp.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/http/server_fixture.hpp"

using namespace vigil::http;
using namespace vigil::http::test;

TEST_CASE("server routes by method and path and passes params", "[http][server]") {
  server_fixture f;
  auto c = f.connect();

  REQUIRE(c.send(get("/hello")) == send_result::ok);
  auto r = c.read();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "hello");
  CHECK(r->header("Content-Length") == "5");

  REQUIRE(c.send(get("/api/v1/label/job%2Dx/values")) == send_result::ok);
  r = c.read();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == R"({"name":"job-x"})");

  REQUIRE(c.send(get("/nope")) == send_result::ok);
  r = c.read();
  REQUIRE(r);
  CHECK(r->status == 404);
  const auto body = nlohmann::json::parse(r->body);
  CHECK(body["status"] == "error");
  CHECK(body["errorType"] == "not_found");

  REQUIRE(c.send(post("/hello", "x")) == send_result::ok);
  r = c.read();
  REQUIRE(r);
  CHECK(r->status == 405);
  CHECK(r->header("Allow") == "GET, HEAD");
  CHECK(nlohmann::json::parse(r->body)["errorType"] == "bad_data");
}

TEST_CASE("server answers HEAD on a GET route without a body", "[http][server]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n" + get("/hello")) == send_result::ok);
  auto head = c.read(5s, true);
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->header("Content-Length") == "5");
  // The next response starts right after the head: nothing was sent as body.
  auto next = c.read();
  REQUIRE(next);
  CHECK(next->body == "hello");
}

TEST_CASE("server keeps a connection alive across requests", "[http][server]") {
  server_fixture f;
  auto c = f.connect();
  for (int i = 0; i < 5; ++i) {
    REQUIRE(c.send(post("/echo?i=" + std::to_string(i), "body" + std::to_string(i))) ==
            send_result::ok);
    auto r = c.read();
    REQUIRE(r);
    CHECK(r->body == "body" + std::to_string(i));
    CHECK(r->header("X-Query") == "i=" + std::to_string(i));
    CHECK_FALSE(r->header("Connection"));
  }
}

TEST_CASE("server answers pipelined requests in order", "[http][server]") {
  server_fixture f;
  auto c = f.connect();
  // The first answer comes late from another thread; the others must wait.
  REQUIRE(c.send(get("/later") + post("/echo", "second") + get("/hello") +
                 post("/echo?q=4", "fourth")) == send_result::ok);
  const char* expected[] = {"later", "second", "hello", "fourth"};
  for (const char* body : expected) {
    auto r = c.read();
    REQUIRE(r);
    CHECK(r->body == body);
  }
}

TEST_CASE("server reads chunked request bodies", "[http][server]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5\r\nhello\r\n1;ext=1\r\n,\r\n6\r\n world\r\n0\r\n\r\n") == send_result::ok);
  auto r = c.read();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "hello, world");
}

TEST_CASE("server sends 100 Continue before an expected body", "[http][server]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n"
                 "Expect: 100-continue\r\n\r\n") == send_result::ok);
  auto interim = c.read();
  REQUIRE(interim);
  CHECK(interim->status == 100);
  REQUIRE(c.send("data") == send_result::ok);
  auto r = c.read();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "data");
}

TEST_CASE("a response can be completed later from another thread", "[http][server]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c.send(get("/hold")) == send_result::ok);
  auto held = f.take_held(1);
  REQUIRE(held.size() == 1);
  std::thread other(
      [res = std::move(held[0])]() mutable { res.send(response::json(201, R"({"done":true})")); });
  other.join();
  auto r = c.read();
  REQUIRE(r);
  CHECK(r->status == 201);
  CHECK(r->header("Content-Type") == "application/json");
  CHECK(r->body == R"({"done":true})");
}

TEST_CASE("server streams a chunked response", "[http][server]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c.send(get("/stream") + get("/hello")) == send_result::ok);
  auto r = c.read();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->header("Transfer-Encoding") == "chunked");
  CHECK(r->chunks == std::vector<std::string>{"one", "two", "three"});
  auto next = c.read();  // the connection stays usable
  REQUIRE(next);
  CHECK(next->body == "hello");
}

TEST_CASE("a streamed response to HTTP/1.0 is delimited by close", "[http][server]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c.send("GET /stream HTTP/1.0\r\n\r\n") == send_result::ok);
  auto r = c.read();
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK_FALSE(r->header("Transfer-Encoding"));
  CHECK(r->body == "onetwothree");
}

TEST_CASE("HTTP/1.0 closes unless keep-alive was asked for", "[http][server]") {
  server_fixture f;
  auto plain = f.connect();
  REQUIRE(plain.send("GET /hello HTTP/1.0\r\n\r\n") == send_result::ok);
  auto r = plain.read();
  REQUIRE(r);
  CHECK(r->header("Connection") == "close");
  CHECK(plain.wait_closed());

  auto kept = f.connect();
  for (int i = 0; i < 2; ++i) {
    REQUIRE(kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") == send_result::ok);
    r = kept.read();
    REQUIRE(r);
    CHECK(r->body == "hello");
    CHECK(r->header("Connection") == "keep-alive");
  }
}

TEST_CASE("Connection: close is honoured after the response", "[http][server]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c.send(get("/hello", "Connection: close\r\n")) == send_result::ok);
  auto r = c.read();
  REQUIRE(r);
  CHECK(r->header("Connection") == "close");
  CHECK(c.wait_closed());
}

TEST_CASE("a dropped responder becomes a 500", "[http][server]") {
  server_fixture f;
  auto c = f.connect();
  for (const char* target : {"/drop", "/throw"}) {
    REQUIRE(c.send(get(target)) == send_result::ok);
    auto r = c.read();
    REQUIRE(r);
    CHECK(r->status == 500);
    const auto body = nlohmann::json::parse(r->body);
    CHECK(body["errorType"] == "internal");
    CHECK(body["error"] == "handler dropped the request");
  }
}

TEST_CASE("the observer sees handler names, codes and durations", "[http][server]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c.send(get("/hello") + get("/api/v1/label/a/values") + get("/missing") + get("/drop")) ==
          send_result::ok);
  for (int i = 0; i < 4; ++i) REQUIRE(c.read());
  const auto seen = f.wait_observed(4);
  REQUIRE(seen.size() == 4);
  CHECK(seen[0].handler == "hello");
  CHECK(seen[0].status == 200);
  CHECK(seen[1].handler == "/api/v1/label/<name>/values");
  CHECK(seen[2].handler == "other");
  CHECK(seen[2].status == 404);
  CHECK(seen[3].handler == "drop");
  CHECK(seen[3].status == 500);
  for (const auto& o : seen) CHECK((o.seconds >= 0 && o.seconds < 5));
}

TEST_CASE("listen reports bad addresses and ports in use", "[http][server]") {
  server_fixture f;
  auto in_use = f.srv->listen("127.0.0.1", f.port);
  REQUIRE_FALSE(in_use);
  CHECK(in_use.error_value().code == vigil::errc::io_error);
  CHECK_THAT(in_use.error_value().message, Catch::Contains("127.0.0.1:" + std::to_string(f.port)));

  auto bad = f.srv->listen("localhost", 0);
  REQUIRE_FALSE(bad);
  CHECK(bad.error_value().code == vigil::errc::invalid_argument);

  // IPv6 may be unavailable in a container; only check the literal is understood.
  auto v6 = f.srv->listen("::1", 0);
  if (!v6) CHECK(v6.error_value().code == vigil::errc::io_error);
}

TEST_CASE("streamed bytes are accounted until they reach the socket", "[http][server]") {
  server_fixture f;
  auto c = f.connect();
  REQUIRE(c.send(get("/hold")) == send_result::ok);
  auto held = f.take_held(1);
  REQUIRE(held.size() == 1);
  responder& res = held[0];
  const std::string mb(1 << 20, 'x');
  res.begin(200);
  for (int i = 0; i < 4; ++i) res.write(mb);
  CHECK(res.pending_bytes() <= 4u << 20);
  res.end();
  CHECK_FALSE(res.open());
  auto r = c.read();
  REQUIRE(r);
  CHECK(r->body.size() == 4u << 20);
  // The observer runs after the last write completed, and writes complete
  // in order, so every chunk has been settled by then.
  REQUIRE(f.wait_observed(1).size() == 1);
  CHECK(res.pending_bytes() == 0);
}
