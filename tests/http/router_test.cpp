#include "runtime/http/router.hpp"

#include <catch2/catch.hpp>

using namespace vigil::http;

namespace {

handler named(std::string* called, std::string name) {
  return [called, name](request&&, responder) { *called = name; };
}

}  // namespace

TEST_CASE("router matches exact paths and params", "[http][router]") {
  std::string called;
  router r;
  r.add("GET", "/api/v1/query", "query", named(&called, "query"));
  r.add("POST", "/api/v1/query", "query", named(&called, "query-post"));
  r.add("GET", "/api/v1/label/<name>/values", "label_values", named(&called, "values"));
  r.add("GET", "/api/v1/label/__name__/values", "names", named(&called, "names"));

  auto m = r.match("GET", "/api/v1/label/job/values");
  REQUIRE(m.status == 200);
  CHECK(m.name == "label_values");
  CHECK(m.params == std::map<std::string, std::string>{{"name", "job"}});

  m = r.match("GET", "/api/v1/label/__name__/values");  // literal beats placeholder
  CHECK(m.name == "names");

  m = r.match("POST", "/api/v1/query");
  REQUIRE(m.fn);
  (*m.fn)(request{}, responder(nullptr));
  CHECK(called == "query-post");

  CHECK(r.match("GET", "/api/v1/label//values").status == 404);  // empty segment
  CHECK(r.match("GET", "/api/v1/query/").status == 404);         // trailing slash differs
  CHECK(r.match("GET", "/api/v1/label/job/values").name == "label_values");
}

TEST_CASE("router answers 405 with the allowed methods", "[http][router]") {
  router r;
  r.add("POST", "/write", "write", [](request&&, responder) {});
  r.add("GET", "/read", "read", [](request&&, responder) {});
  auto m = r.match("GET", "/write");
  CHECK(m.status == 405);
  CHECK(m.allow == "POST");
  CHECK(m.name == "other");
  m = r.match("DELETE", "/read");
  CHECK(m.status == 405);
  CHECK(m.allow == "GET, HEAD");
  CHECK(r.match("HEAD", "/read").status == 200);
  m = r.match("GET", "/elsewhere");
  CHECK(m.status == 404);
  CHECK(m.name == "other");
}

TEST_CASE("router replaces a route added twice and lists names", "[http][router]") {
  std::string called;
  router r;
  r.add("GET", "/x", "first", named(&called, "first"));
  r.add("GET", "/x", "second", named(&called, "second"));
  r.add("GET", "/y", "second", named(&called, "y"));
  CHECK(r.match("GET", "/x").name == "second");
  CHECK(r.handler_names() == std::vector<std::string>{"second", "other"});
}
