#include "runtime/wire/push_client.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "runtime/wire/push_encoder.hpp"

namespace vigil::wire::push {
namespace {

using clock = std::chrono::steady_clock;

error system_error(const std::string& what) {
  return {errc::io_error, what + ": " + std::strerror(errno)};
}

// What a server's error code means to the caller (see the header).
errc errc_of(code c) {
  switch (c) {
    case code::unauthorized:
      return errc::unauthorized;
    case code::too_large:
    case code::limit_exceeded:
      return errc::limit_exceeded;
    case code::overloaded:
      return errc::unavailable;
    case code::internal:
      return errc::internal;
    default:
      return errc::invalid_argument;
  }
}

int millis_until(clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
  return static_cast<int>(std::max<std::chrono::milliseconds::rep>(0, left.count()));
}

// Waits for `events` on `fd`; the events that came, 0 on timeout, -1 on error.
int wait_for(int fd, short events, clock::time_point deadline) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int n = ::poll(&p, 1, millis_until(deadline));
    if (n >= 0) return n == 0 ? 0 : p.revents;
    if (errno != EINTR) return -1;
  }
}

// A non-blocking socket connected to one of `host`'s addresses.
expected<int> open_socket(const std::string& host, uint16_t port, clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string where = host + ":" + std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0)
    return error{errc::io_error, "resolving " + host + ": " + ::gai_strerror(rc)};
  error last{errc::io_error, "connecting to " + where + ": no address"};
  for (addrinfo* a = found; a; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      last = system_error("socket");
      continue;
    }
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      const int ready = wait_for(fd, POLLOUT, deadline);
      int so_error = 0;
      socklen_t len = sizeof so_error;
      if (ready == 0) {
        so_error = ETIMEDOUT;
      } else if (ready < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) {
        so_error = errno;
      }
      errno = so_error;
      rc = so_error == 0 ? 0 : -1;
    }
    if (rc == 0) {
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      ::freeaddrinfo(found);
      return fd;
    }
    last = errno == ETIMEDOUT ? error{errc::unavailable, "connecting to " + where + ": timed out"}
                              : system_error("connecting to " + where);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return last;
}

}  // namespace

client::socket_fd& client::socket_fd::operator=(socket_fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

client::socket_fd::~socket_fd() {
  if (fd_ >= 0) ::close(fd_);
}

expected<client> client::connect(const std::string& host, uint16_t port, client_options options) {
  const auto deadline = clock::now() + options.connect_timeout;
  auto fd = open_socket(host, port, deadline);
  if (!fd) return fd.error_value();
  client c{*fd, std::move(options)};
  encode(hello_msg{protocol_version, c.options_.token, c.options_.client}, c.out_);
  if (auto e = c.flush(deadline)) return *e;
  while (!c.welcomed_)
    if (auto e = c.read_more(deadline)) return *e;
  return c;
}

expected<uint64_t> client::write(std::span<const series_write> series) {
  if (failed_) return *failed_;
  const auto deadline = clock::now() + options_.timeout;
  while (pending_.size() - answered_.size() >= welcome_.max_inflight)
    if (auto e = read_more(deadline)) return *e;
  const std::size_t before = out_.size();
  encode_write(next_seq_, series, out_);
  if (out_.size() - before > welcome_.max_message_bytes) {
    const std::size_t size = out_.size() - before;
    out_.resize(before);
    return error{errc::limit_exceeded, "a write of " + std::to_string(size) +
                                           " bytes exceeds the server's max_message_bytes (" +
                                           std::to_string(welcome_.max_message_bytes) + ")"};
  }
  pending_.push_back(next_seq_);
  if (auto e = flush(deadline)) return *e;
  return next_seq_++;
}

expected<write_answer> client::next_answer() {
  if (answered_.empty() && failed_) return *failed_;
  if (pending_.empty()) return error{errc::invalid_argument, "no write is waiting for an answer"};
  const auto deadline = clock::now() + options_.timeout;
  while (answered_.empty())
    if (auto e = read_more(deadline); e && answered_.empty()) return *e;
  auto answer = std::move(answered_.front());
  answered_.pop_front();
  pending_.pop_front();
  return answer;
}

expected<std::chrono::microseconds> client::ping() {
  if (failed_) return *failed_;
  const auto start = clock::now();
  const auto deadline = start + options_.timeout;
  const uint64_t seq = next_ping_++;
  encode(ping_msg{seq}, out_);
  if (auto e = flush(deadline)) return *e;
  while (last_pong_ < seq)
    if (auto e = read_more(deadline); e && last_pong_ < seq) return *e;
  return std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - start);
}

std::optional<error> client::flush(clock::time_point deadline) {
  std::size_t sent = 0;
  while (sent < out_.size()) {
    const int ready = wait_for(fd_.get(), POLLOUT | POLLIN, deadline);
    if (ready == 0) return fail({errc::unavailable, "sending: timed out"});
    if (ready < 0) return fail(system_error("sending"));
    // Take what the server says meanwhile, so that it is never stuck
    // writing to us while we are stuck writing to it.
    if (ready & (POLLIN | POLLHUP | POLLERR))
      if (auto e = read_more(deadline)) return e;
    if (!(ready & POLLOUT)) continue;
    const ssize_t n = ::send(fd_.get(), out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return fail(system_error("sending"));
    if (n > 0) sent += static_cast<std::size_t>(n);
  }
  out_.clear();
  return std::nullopt;
}

std::optional<error> client::receive(clock::time_point deadline) {
  std::array<char, 64 * 1024> buffer;
  for (;;) {
    const ssize_t n = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
    if (n > 0) {
      stream_.feed({buffer.data(), static_cast<std::size_t>(n)});
      return std::nullopt;
    }
    if (n == 0)
      return fail(
          {errc::io_error,
           "the server closed the connection" +
               std::string(pending_.size() > answered_.size() ? " with writes unanswered" : "")});
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return fail(system_error("receiving"));
    const int ready = wait_for(fd_.get(), POLLIN, deadline);
    if (ready == 0) return fail({errc::unavailable, "waiting for the server: timed out"});
    if (ready < 0) return fail(system_error("receiving"));
  }
}

std::optional<error> client::read_more(clock::time_point deadline) {
  if (failed_) return failed_;
  if (auto e = receive(deadline)) return e;
  // Everything complete is taken at once, so that a goodbye the server
  // sent before closing is what a caller learns, not the close.
  while (auto message = stream_.next())
    if (auto e = take(std::move(*message))) return e;
  return std::nullopt;
}

std::optional<error> client::take(from_server message) {
  if (auto* r = std::get_if<rejection>(&message))
    return fail({errc::parse_error, "the server sent " + r->reply.message});
  if (auto* w = std::get_if<welcome_msg>(&message)) {
    if (welcomed_) return fail({errc::parse_error, "the server sent a second welcome"});
    welcome_ = std::move(*w);
    welcomed_ = true;
    return std::nullopt;
  }
  if (auto* p = std::get_if<pong_msg>(&message)) {
    last_pong_ = std::max(last_pong_, p->seq);
    return std::nullopt;
  }
  auto* e = std::get_if<error_msg>(&message);
  // Without a seq the error is about the connection (a refused hello, a
  // shutdown, a limit), which the server closes next.
  if (e && !e->seq)
    return fail(
        {errc_of(e->reason), "server: " + std::string(to_string(e->reason)) + ": " + e->message});
  const uint64_t seq = e ? *e->seq : std::get<ack_msg>(message).seq;
  const std::size_t waiting = pending_.size() - answered_.size();
  if (waiting == 0 || pending_[answered_.size()] != seq)
    return fail({errc::parse_error,
                 "the server answered seq " + std::to_string(seq) + ", expected " +
                     (waiting ? std::to_string(pending_[answered_.size()]) : "no answer")});
  if (e)
    answered_.push_back(std::move(*e));
  else
    answered_.push_back(std::move(std::get<ack_msg>(message)));
  return std::nullopt;
}

error client::fail(error e) {
  if (!failed_) failed_ = std::move(e);
  return *failed_;
}

}  // namespace vigil::wire::push
