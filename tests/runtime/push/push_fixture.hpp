#pragma once

// A real push server on 127.0.0.1 and an ephemeral port over a fake
// storage, plus a raw socket for what a well-behaved client never sends.
//
// fake_storage gives every new label set a ref, stores samples by ref and
// refuses refs it does not hold as unknown_series, as a shard does. In
// hold mode it keeps the batches and their callbacks until the test
// releases them, in any order, from the test thread.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/push/server.hpp"
#include "runtime/wire/push_client.hpp"
#include "runtime/wire/push_decoder.hpp"
#include "runtime/wire/push_encoder.hpp"

namespace vigil::push::test {

using namespace std::chrono_literals;
namespace proto = wire::push;

class fake_storage {
 public:
  struct held {
    std::vector<series_write> batch;
    runtime::write_done done;
  };

  void write(std::vector<series_write> batch, runtime::write_done done) {
    std::unique_lock lock(mutex_);
    batches_.push_back(batch);
    if (failing_) {
      lock.unlock();
      done(error{errc::unavailable, "storage is down"});
      return;
    }
    if (holding_) {
      held_.push_back({std::move(batch), std::move(done)});
      max_held_ = std::max(max_held_, held_.size());
      cv_.notify_all();
      return;
    }
    auto ack = store(batch);
    cv_.notify_all();
    lock.unlock();
    done(std::move(ack));
  }

  runtime::write_sink sink() {
    return [this](std::vector<series_write> b, runtime::write_done d) {
      write(std::move(b), std::move(d));
    };
  }

  void hold(bool on) {
    std::lock_guard lock(mutex_);
    holding_ = on;
  }
  void fail(bool on) {
    std::lock_guard lock(mutex_);
    failing_ = on;
  }
  /// As a shard that restarted empty: every ref is unknown from now on.
  void forget_refs() {
    std::lock_guard lock(mutex_);
    for (auto& [ls, ref] : refs_) ref = series_write::no_ref;
  }

  /// Waits until `n` batches are held; false on timeout.
  bool wait_held(std::size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return held_.size() >= n; });
  }
  /// Stores the held batch `i` and answers it.
  void release(std::size_t i) {
    std::unique_lock lock(mutex_);
    auto h = std::move(held_.at(i));
    held_.erase(held_.begin() + static_cast<std::ptrdiff_t>(i));
    auto ack = store(h.batch);
    lock.unlock();
    h.done(std::move(ack));
  }
  std::size_t held_count() {
    std::lock_guard lock(mutex_);
    return held_.size();
  }
  std::size_t max_held() {
    std::lock_guard lock(mutex_);
    return max_held_;
  }
  /// Every batch storage was handed, in arrival order.
  std::vector<std::vector<series_write>> batches() {
    std::lock_guard lock(mutex_);
    return batches_;
  }
  uint64_t samples() {
    std::lock_guard lock(mutex_);
    return samples_;
  }

 private:
  actors::write_ack store(const std::vector<series_write>& batch) {
    actors::write_ack ack;
    ack.refs.assign(batch.size(), series_write::no_ref);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const auto& w = batch[i];
      if (w.ref != series_write::no_ref) {
        if (w.ref >= hashes_.size() || hashes_[w.ref] != w.label_hash || !live(w.ref)) {
          ack.issues.push_back({i, "unknown_series", "no series under this ref"});
          continue;
        }
        ack.refs[i] = w.ref;
      } else {
        auto [it, added] = refs_.try_emplace(w.ls, series_write::no_ref);
        if (added || it->second == series_write::no_ref) {
          it->second = static_cast<uint32_t>(hashes_.size());
          hashes_.push_back(w.ls.hash());
        }
        ack.refs[i] = it->second;
      }
      ack.accepted += w.samples.size();
    }
    samples_ += ack.accepted;
    return ack;
  }
  bool live(uint32_t ref) const {
    for (const auto& [ls, r] : refs_)
      if (r == ref) return true;
    return false;
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  bool holding_ = false;
  bool failing_ = false;
  std::vector<held> held_;
  std::size_t max_held_ = 0;
  std::vector<std::vector<series_write>> batches_;
  std::map<labels, uint32_t> refs_;
  std::vector<uint64_t> hashes_;  // by ref
  uint64_t samples_ = 0;
};

/// Short timeouts so that timeout tests run fast.
inline server_options quick_options() {
  server_options o;
  o.node = "test-node";
  o.hello_timeout = 300ms;
  o.idle_timeout = 10s;
  o.linger_timeout = 500ms;
  return o;
}

/// Refuses every token but "good".
inline std::optional<std::string> only_good(std::string_view token) {
  if (token == "good") return std::nullopt;
  return "token refused";
}

class server_fixture {
 public:
  explicit server_fixture(server_options options = quick_options()) {
    REQUIRE_FALSE(loop.start());
    srv = std::make_unique<server>(loop, std::move(options), only_good, storage.sink(), &registry);
    auto bound = srv->listen("127.0.0.1", 0);
    REQUIRE(bound);
    port = *bound;
  }
  ~server_fixture() {
    srv.reset();
    loop.stop();
  }

  expected<proto::client> connect(std::string token = "good") {
    return proto::client::connect(
        "127.0.0.1", port,
        {.token = std::move(token), .client = "test/1", .connect_timeout = 5s, .timeout = 5s});
  }

  fake_storage storage;
  metrics::registry registry;
  http::event_loop loop;
  std::unique_ptr<server> srv;
  uint16_t port = 0;
};

/// A plain blocking socket to the server with a 5 s receive timeout.
class raw_socket {
 public:
  explicit raw_socket(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~raw_socket() { ::close(fd_); }
  raw_socket(const raw_socket&) = delete;
  raw_socket& operator=(const raw_socket&) = delete;

  void send(const std::string& bytes) {
    REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(bytes.size()));
  }
  void shutdown_sending() { ::shutdown(fd_, SHUT_WR); }
  /// The next message, or nullopt at EOF (a timeout fails the test).
  std::optional<proto::from_server> next() {
    for (;;) {
      if (auto m = stream_.next()) return m;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      REQUIRE(n >= 0);
      if (n == 0) return std::nullopt;
      stream_.feed({buf, static_cast<std::size_t>(n)});
    }
  }
  /// The next message, which must be an error.
  proto::error_msg next_error() {
    auto m = next();
    REQUIRE(m);
    REQUIRE(std::holds_alternative<proto::error_msg>(*m));
    return std::get<proto::error_msg>(*m);
  }
  /// Says hello and expects the welcome.
  void handshake() {
    std::string hello;
    proto::encode(proto::hello_msg{1, "good", "raw"}, hello);
    send(hello);
    auto m = next();
    REQUIRE(m);
    REQUIRE(std::holds_alternative<proto::welcome_msg>(*m));
  }

 private:
  int fd_;
  proto::server_stream stream_;
};

/// One series of `n` samples at 1, 2, ... with value 1.
inline series_write series(const std::string& name, std::size_t n = 1) {
  series_write w{*labels::from({{"__name__", name}, {"job", "test"}}), {}};
  for (std::size_t i = 1; i <= n; ++i) w.samples.push_back({static_cast<timestamp>(i), 1.0});
  return w;
}

/// The ack in `answer`, failing the test on an error.
inline proto::ack_msg ack_of(const expected<proto::write_answer>& answer) {
  REQUIRE(answer);
  if (auto* e = std::get_if<proto::error_msg>(&*answer)) FAIL(e->message);
  return std::get<proto::ack_msg>(*answer);
}

}  // namespace vigil::push::test
