#include "runtime/http/responder.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <thread>

using namespace vigil::http;

TEST_CASE("to_function delivers a sent response", "[http][responder]") {
  std::optional<response> got;
  {
    auto res = responder::to_function([&](response r) { got = std::move(r); });
    CHECK_FALSE(res.completed());
    res.send(response::text(202, "ok"));
    CHECK(res.completed());
    res.send(response::text(200, "ignored"));  // a second completion is ignored
  }
  REQUIRE(got);
  CHECK(got->status == 202);
  CHECK(got->body == "ok");
}

TEST_CASE("to_function collects a streamed response", "[http][responder]") {
  std::optional<response> got;
  auto res = responder::to_function([&](response r) { got = std::move(r); });
  res.begin(200, {{"Content-Type", "text/plain"}});
  res.write("a");
  res.write("");
  res.write("b");
  CHECK_FALSE(got);
  res.end();
  REQUIRE(got);
  CHECK(got->body == "ab");
  CHECK(got->header("Content-Type") == "text/plain");
}

TEST_CASE("a dropped responder answers 500, also after moves across threads", "[http][responder]") {
  std::optional<response> got;
  auto res = responder::to_function([&](response r) { got = std::move(r); });
  responder moved = std::move(res);
  CHECK(res.completed());  // moved-from is inert
  std::thread([r = std::move(moved)]() mutable { (void)r; }).join();
  REQUIRE(got);
  CHECK(got->status == 500);
  CHECK(got->body.find("handler dropped the request") != std::string::npos);
}

TEST_CASE("move-assigning over a pending responder completes it as dropped", "[http][responder]") {
  int deliveries = 0;
  auto a = responder::to_function([&](response r) {
    ++deliveries;
    CHECK(r.status == 500);
  });
  a = responder(nullptr);
  CHECK(deliveries == 1);
}

TEST_CASE("out-of-order calls are ignored", "[http][responder]") {
  std::optional<response> got;
  auto res = responder::to_function([&](response r) { got = std::move(r); });
  res.write("early");  // before begin: ignored
  res.end();           // before begin: ignored
  CHECK_FALSE(got);
  res.send(response::text(200, "fine"));
  REQUIRE(got);
  CHECK(got->body == "fine");
}
