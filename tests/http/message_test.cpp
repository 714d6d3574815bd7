#include "runtime/http/message.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace vigil::http;

TEST_CASE("parse_form decodes pairs, plus signs and escapes", "[http][message]") {
  const auto params = parse_form("query=up+%3D%3D+1&time=&&empty&x=%zz&a%20b=c%26d");
  const param_list expected{
      {"query", "up == 1"}, {"time", ""}, {"empty", ""}, {"x", "%zz"}, {"a b", "c&d"}};
  CHECK(params == expected);
  CHECK(parse_form("").empty());
}

TEST_CASE("query_params keeps repeated names in order", "[http][message]") {
  request r;
  r.query = "match[]=up&match[]=down";
  const param_list expected{{"match[]", "up"}, {"match[]", "down"}};
  CHECK(r.query_params() == expected);
}

TEST_CASE("percent_decode rejects malformed escapes", "[http][message]") {
  CHECK(percent_decode("/a%2Fb") == "/a/b");
  CHECK(percent_decode("a+b") == "a+b");
  CHECK(percent_decode("a+b", true) == "a b");
  CHECK_FALSE(percent_decode("%4"));
  CHECK_FALSE(percent_decode("%g0"));
}

TEST_CASE("header lookup is case-insensitive", "[http][message]") {
  request r;
  r.headers = {{"Content-Type", "text/plain"}, {"X-A", "1"}, {"x-a", "2"}};
  CHECK(r.header("content-type") == "text/plain");
  CHECK(r.header("X-a") == "1");
  CHECK_FALSE(r.header("Accept"));
}

TEST_CASE("error responses have Prometheus's shape and escaping", "[http][message]") {
  const auto res = response::error(400, "bad_data", "bad \"query\"\n\x01 and \xff");
  CHECK(res.status == 400);
  CHECK(res.header("content-type") == "application/json");
  CHECK(res.body.rfind(R"({"status":"error","errorType":"bad_data","error":")", 0) == 0);
  const auto doc = nlohmann::json::parse(res.body);
  CHECK(doc["error"].get<std::string>().rfind("bad \"query\"\n\x01 and ", 0) == 0);
}

TEST_CASE("default error types follow the status", "[http][message]") {
  CHECK(default_error_type(400) == "bad_data");
  CHECK(default_error_type(404) == "not_found");
  CHECK(default_error_type(405) == "bad_data");
  CHECK(default_error_type(408) == "timeout");
  CHECK(default_error_type(413) == "bad_data");
  CHECK(default_error_type(422) == "execution");
  CHECK(default_error_type(431) == "bad_data");
  CHECK(default_error_type(500) == "internal");
  CHECK(default_error_type(503) == "unavailable");
  CHECK(response::error(503, "later").body ==
        R"({"status":"error","errorType":"unavailable","error":"later"})");
}
