// The HTTP client against the project's own server on 127.0.0.1: responses,
// request headers and credentials, gzip decoding, failures (refused, timeout,
// body limit, bad URL), concurrency, and shutdown with transfers in flight.

#include "runtime/http/client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "runtime/http/event_loop.hpp"
#include "runtime/http/router.hpp"
#include "runtime/http/server.hpp"

using namespace vigil;
using namespace vigil::http;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

/// What `done` callbacks delivered. Shared with the callbacks, so a late
/// one (after a failed REQUIRE) never writes into a dead object.
struct recorder {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::pair<std::size_t, fetch_result>> results;  // (index, result)
  std::vector<std::thread::id> threads;

  /// Waits until at least `n` results arrived.
  bool wait(std::size_t n, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, timeout, [&] { return results.size() >= n; });
  }
};

std::function<void(fetch_result)> record(const std::shared_ptr<recorder>& r,
                                         std::size_t index = 0) {
  return [r, index](fetch_result result) {
    std::lock_guard lock(r->mutex);
    r->results.emplace_back(index, std::move(result));
    r->threads.push_back(std::this_thread::get_id());
    r->cv.notify_all();
  };
}

std::string gzip(const std::string& text) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) ==
          Z_OK);
  std::string out(deflateBound(&zs, text.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  REQUIRE(rc == Z_STREAM_END);
  return out;
}

/// A TCP socket bound to an ephemeral port on 127.0.0.1 but not listening:
/// connections to it are refused for as long as it lives.
class closed_port {
 public:
  closed_port() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
  }
  ~closed_port() { ::close(fd_); }
  closed_port(const closed_port&) = delete;
  closed_port& operator=(const closed_port&) = delete;

  std::uint16_t port = 0;

 private:
  int fd_ = -1;
};

const std::string gzip_text = [] {
  std::string s;
  for (int i = 0; i < 2000; ++i) s += "metric_" + std::to_string(i % 7) + " 1\n";
  return s;
}();

/// A loop, a server with the routes below and a client on the same loop.
///   GET /hello        "hello" as text/plain
///   GET /headers      the request headers as a JSON object (lower-case names)
///   GET /gzip         gzip_text, gzip-encoded
///   GET /big          10,000 bytes
///   GET /n/<i>        "<i>"
///   GET /hold         parks its responder (wait_held)
class client_fixture {
 public:
  client_fixture() : gzip_body_(gzip(gzip_text)) {
    REQUIRE_FALSE(loop.start());
    srv = std::make_unique<server>(loop, server_options{}, routes());
    auto bound = srv->listen("127.0.0.1", 0);
    REQUIRE(bound);
    port = *bound;
    http = std::make_unique<client>(loop);
  }

  ~client_fixture() {
    srv.reset();
    {
      std::lock_guard lock(mutex_);
      held_.clear();
    }
    loop.stop();
    http.reset();
  }

  client_fixture(const client_fixture&) = delete;
  client_fixture& operator=(const client_fixture&) = delete;

  [[nodiscard]] std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }

  /// Fetches and waits for the result; fails the test if none arrives.
  fetch_result get(fetch_request req, std::chrono::milliseconds timeout = 10s) {
    auto r = std::make_shared<recorder>();
    http->fetch(std::move(req), record(r));
    REQUIRE(r->wait(1, timeout));
    std::lock_guard lock(r->mutex);
    return std::move(r->results.front().second);
  }

  fetch_result get(const std::string& path) {
    fetch_request req;
    req.url = url(path);
    return get(std::move(req));
  }

  /// Waits until `n` requests were parked by /hold.
  bool wait_held(std::size_t n, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return held_.size() >= n; });
  }

  event_loop loop;
  std::unique_ptr<server> srv;
  std::unique_ptr<client> http;
  std::uint16_t port = 0;

 private:
  router routes() {
    router r;
    r.add("GET", "/hello", "hello",
          [](request&&, responder res) { res.send(response::text(200, "hello")); });
    r.add("GET", "/headers", "headers", [](request&& req, responder res) {
      auto seen = nlohmann::json::object();
      for (const auto& [name, value] : req.headers) {
        std::string lower;
        for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        seen[lower] = value;
      }
      res.send(response::json(200, seen.dump()));
    });
    r.add("GET", "/gzip", "gzip", [this](request&&, responder res) {
      auto out = response::text(200, gzip_body_, "text/plain; version=0.0.4");
      out.headers.emplace_back("Content-Encoding", "gzip");
      res.send(std::move(out));
    });
    r.add("GET", "/big", "big",
          [](request&&, responder res) { res.send(response::text(200, std::string(10000, 'x'))); });
    r.add("GET", "/n/<i>", "n",
          [](request&& req, responder res) { res.send(response::text(200, req.params["i"])); });
    r.add("GET", "/hold", "hold", [this](request&&, responder res) {
      std::lock_guard lock(mutex_);
      held_.push_back(std::move(res));
      cv_.notify_all();
    });
    return r;
  }

  const std::string gzip_body_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<responder> held_;
};

}  // namespace

TEST_CASE("client GET returns status, body and content type", "[http][client]") {
  client_fixture f;
  const auto r = f.get("/hello");
  REQUIRE_FALSE(r.failure);
  CHECK(r.status == 200);
  CHECK(r.body == "hello");
  CHECK(r.content_type == "text/plain; charset=utf-8");
  CHECK(r.elapsed >= 0ms);
  CHECK(f.http->in_flight() == 0);
}

TEST_CASE("client sends the request headers as given", "[http][client]") {
  client_fixture f;
  fetch_request req;
  req.url = f.url("/headers");
  req.headers = {{"Accept", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5"},
                 {"Authorization", "Bearer s3cret"},
                 {"X-Prometheus-Scrape-Timeout-Seconds", "10"}};
  const auto r = f.get(std::move(req));
  REQUIRE_FALSE(r.failure);
  REQUIRE(r.status == 200);
  const auto seen = nlohmann::json::parse(r.body);
  CHECK(seen["accept"] == "application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
  CHECK(seen["authorization"] == "Bearer s3cret");
  CHECK(seen["x-prometheus-scrape-timeout-seconds"] == "10");
  REQUIRE(seen.contains("accept-encoding"));
  CHECK_THAT(seen["accept-encoding"].get<std::string>(), Contains("gzip"));
}

TEST_CASE("client sends basic auth credentials when a username is set", "[http][client]") {
  client_fixture f;
  fetch_request req;
  req.url = f.url("/headers");
  req.username = "scraper";
  req.password = "pa:ss w0rd";
  auto r = f.get(req);
  REQUIRE_FALSE(r.failure);
  CHECK(nlohmann::json::parse(r.body)["authorization"] == "Basic c2NyYXBlcjpwYTpzcyB3MHJk");

  req.username.clear();
  r = f.get(req);
  REQUIRE_FALSE(r.failure);
  CHECK_FALSE(nlohmann::json::parse(r.body).contains("authorization"));
}

TEST_CASE("client decodes a gzip-encoded response", "[http][client]") {
  client_fixture f;
  const auto r = f.get("/gzip");
  REQUIRE_FALSE(r.failure);
  CHECK(r.status == 200);
  CHECK(r.content_type == "text/plain; version=0.0.4");
  CHECK(r.body == gzip_text);
}

TEST_CASE("client reports a 404 as a complete response", "[http][client]") {
  client_fixture f;
  const auto r = f.get("/missing");
  CHECK_FALSE(r.failure);
  CHECK(r.status == 404);
  CHECK(r.content_type == "application/json");
  CHECK_THAT(r.body, Contains("not_found"));
}

TEST_CASE("client fails a refused connection naming the URL", "[http][client]") {
  client_fixture f;
  closed_port closed;
  fetch_request req;
  req.url = "http://127.0.0.1:" + std::to_string(closed.port) + "/metrics";
  const auto r = f.get(req);
  REQUIRE(r.failure);
  CHECK(r.failure->code == errc::io_error);
  CHECK_THAT(r.failure->message, StartsWith("Get \"" + req.url + "\": "));
  CHECK_THAT(r.failure->message, Contains("Connection refused"));
  CHECK(r.status == 0);
  CHECK(r.body.empty());
}

TEST_CASE("client fails a URL with an unsupported scheme", "[http][client]") {
  client_fixture f;
  fetch_request req;
  req.url = "ftp://127.0.0.1:1/metrics";
  const auto r = f.get(req);
  REQUIRE(r.failure);
  CHECK(r.failure->code == errc::invalid_argument);
  CHECK_THAT(r.failure->message, StartsWith("Get \"ftp://127.0.0.1:1/metrics\": "));
}

TEST_CASE("client fails a request that outlives its timeout", "[http][client]") {
  client_fixture f;
  fetch_request req;
  req.url = f.url("/hold");
  req.timeout = 300ms;
  const auto before = std::chrono::steady_clock::now();
  const auto r = f.get(req);
  const auto waited = std::chrono::steady_clock::now() - before;
  REQUIRE(r.failure);
  CHECK_THAT(r.failure->message, StartsWith("Get \"" + req.url + "\": "));
  CHECK_THAT(r.failure->message, Contains("timed out"));
  CHECK(r.elapsed >= 290ms);
  CHECK(waited < 3s);
  CHECK(f.wait_held(1));  // the server did get the request
}

TEST_CASE("client fails a body over the limit on decoded bytes", "[http][client]") {
  client_fixture f;
  fetch_request req;
  req.url = f.url("/big");
  req.max_body_bytes = 1000;
  auto r = f.get(req);
  REQUIRE(r.failure);
  CHECK(r.failure->code == errc::limit_exceeded);
  CHECK(r.failure->message == "body size limit of 1000 bytes exceeded");
  CHECK(r.body.empty());

  req.max_body_bytes = 10000;  // exactly the body: fine
  r = f.get(req);
  REQUIRE_FALSE(r.failure);
  CHECK(r.body.size() == 10000);

  // The gzip body is far smaller than the limit; what it decodes to is not.
  req.url = f.url("/gzip");
  req.max_body_bytes = 4096;
  REQUIRE(gzip(gzip_text).size() < 4096);
  r = f.get(req);
  REQUIRE(r.failure);
  CHECK(r.failure->message == "body size limit of 4096 bytes exceeded");
}

TEST_CASE("client completes 100 concurrent fetches from several threads", "[http][client]") {
  client_fixture f;
  auto rec = std::make_shared<recorder>();
  constexpr std::size_t threads = 4;
  constexpr std::size_t per_thread = 25;
  std::vector<std::thread> posters;
  for (std::size_t t = 0; t < threads; ++t) {
    posters.emplace_back([&, t] {
      for (std::size_t i = t * per_thread; i < (t + 1) * per_thread; ++i) {
        fetch_request req;
        req.url = f.url("/n/" + std::to_string(i));
        f.http->fetch(std::move(req), record(rec, i));
      }
    });
  }
  for (auto& t : posters) t.join();
  REQUIRE(rec->wait(threads * per_thread, 20s));
  std::lock_guard lock(rec->mutex);
  std::set<std::size_t> seen;
  for (const auto& [index, r] : rec->results) {
    REQUIRE_FALSE(r.failure);
    CHECK(r.status == 200);
    CHECK(r.body == std::to_string(index));
    seen.insert(index);
  }
  CHECK(seen.size() == threads * per_thread);
  CHECK(f.http->in_flight() == 0);
}

TEST_CASE("client callbacks may fetch again", "[http][client]") {
  client_fixture f;
  auto rec = std::make_shared<recorder>();
  fetch_request req;
  req.url = f.url("/n/1");
  auto* http = f.http.get();
  const std::string second = f.url("/n/2");
  http->fetch(req, [http, rec, second](fetch_result first) {
    record(rec, 1)(std::move(first));
    fetch_request next;
    next.url = second;
    http->fetch(std::move(next), record(rec, 2));
  });
  REQUIRE(rec->wait(2));
  std::lock_guard lock(rec->mutex);
  CHECK(rec->results[0].second.body == "1");
  CHECK(rec->results[1].second.body == "2");
}

TEST_CASE("stopping the loop aborts transfers in flight, each done once", "[http][client]") {
  client_fixture f;
  auto rec = std::make_shared<recorder>();
  constexpr std::size_t n = 5;
  for (std::size_t i = 0; i < n; ++i) {
    fetch_request req;
    req.url = f.url("/hold");
    f.http->fetch(std::move(req), record(rec, i));
  }
  REQUIRE(f.wait_held(n));
  CHECK(f.http->in_flight() == n);

  f.loop.stop();  // joins the loop thread: every callback has run by now
  {
    std::lock_guard lock(rec->mutex);
    REQUIRE(rec->results.size() == n);
    std::set<std::size_t> seen;
    for (const auto& [index, r] : rec->results) {
      REQUIRE(r.failure);
      CHECK(r.failure->message == "Get \"" + f.url("/hold") + "\": aborted");
      seen.insert(index);
    }
    CHECK(seen.size() == n);
  }
  CHECK(f.http->in_flight() == 0);

  // After the stop, done runs at once on the calling thread.
  fetch_request late;
  late.url = f.url("/hello");
  f.http->fetch(std::move(late), record(rec, n));
  std::lock_guard lock(rec->mutex);
  REQUIRE(rec->results.size() == n + 1);
  CHECK(rec->results.back().second.failure);
  CHECK(rec->threads.back() == std::this_thread::get_id());
}

TEST_CASE("destroying the client while the loop runs aborts its transfers", "[http][client]") {
  client_fixture f;
  auto rec = std::make_shared<recorder>();
  fetch_request req;
  req.url = f.url("/hold");
  f.http->fetch(req, record(rec));
  REQUIRE(f.wait_held(1));
  f.http.reset();
  std::lock_guard lock(rec->mutex);
  REQUIRE(rec->results.size() == 1);
  REQUIRE(rec->results[0].second.failure);
  CHECK_THAT(rec->results[0].second.failure->message, Contains("aborted"));
}
