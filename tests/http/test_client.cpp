#include "tests/http/test_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

namespace vigil::http::test {

namespace {

using clock = std::chrono::steady_clock;

int remaining_ms(clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

bool wait_for(int fd, short events, clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, remaining_ms(deadline));
    if (rc > 0) return true;
    if (rc == 0) return false;
    if (errno != EINTR) return false;
  }
}

}  // namespace

std::optional<std::string_view> reply::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return std::string_view(value);
  return std::nullopt;
}

std::optional<client> client::connect(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  client c(fd);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return c;
  if (errno != EINPROGRESS) return std::nullopt;
  if (!wait_for(fd, POLLOUT, clock::now() + 5s)) return std::nullopt;
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) return std::nullopt;
  return c;
}

client::client(client&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)), eof_(other.eof_) {}

client::~client() {
  if (fd_ >= 0) ::close(fd_);
}

send_result client::send(std::string_view data, std::chrono::milliseconds timeout) {
  const auto deadline = clock::now() + timeout;
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_for(fd_, POLLOUT, deadline)) return send_result::timeout;
      continue;
    }
    return send_result::closed;  // EPIPE, ECONNRESET
  }
  return send_result::ok;
}

bool client::fill(clock::time_point deadline) {
  if (eof_) return false;
  for (;;) {
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      buffer_.append(buf, static_cast<std::size_t>(n));
      return true;
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      eof_ = true;  // reset counts as closed
      return false;
    }
    if (!wait_for(fd_, POLLIN, deadline)) return false;
  }
}

std::optional<std::string> client::line(clock::time_point deadline) {
  for (;;) {
    if (auto pos = buffer_.find("\r\n"); pos != std::string::npos) {
      std::string out = buffer_.substr(0, pos);
      buffer_.erase(0, pos + 2);
      return out;
    }
    if (!fill(deadline)) return std::nullopt;
  }
}

std::optional<std::string> client::exactly(std::size_t n, clock::time_point deadline) {
  while (buffer_.size() < n)
    if (!fill(deadline)) return std::nullopt;
  std::string out = buffer_.substr(0, n);
  buffer_.erase(0, n);
  return out;
}

std::optional<reply> client::read(std::chrono::milliseconds timeout, bool head) {
  const auto deadline = clock::now() + timeout;
  auto status_line = line(deadline);
  if (!status_line || status_line->rfind("HTTP/1.", 0) != 0 || status_line->size() < 12)
    return std::nullopt;
  reply r;
  r.status = std::atoi(status_line->c_str() + 9);
  for (;;) {
    auto l = line(deadline);
    if (!l) return std::nullopt;
    if (l->empty()) break;
    const auto colon = l->find(':');
    if (colon == std::string::npos) return std::nullopt;
    std::string value = l->substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    r.headers.emplace_back(l->substr(0, colon), value);
  }
  if (head || r.status < 200 || r.status == 204 || r.status == 304) return r;
  if (auto te = r.header("Transfer-Encoding"); te && iequals(*te, "chunked")) {
    for (;;) {
      auto size_line = line(deadline);
      if (!size_line) return std::nullopt;
      const std::size_t size = std::strtoul(size_line->c_str(), nullptr, 16);
      auto data = exactly(size + 2, deadline);
      if (!data || data->substr(size) != "\r\n") return std::nullopt;
      if (size == 0) return r;
      r.chunks.push_back(data->substr(0, size));
      r.body += r.chunks.back();
    }
  }
  if (auto cl = r.header("Content-Length")) {
    auto body = exactly(std::strtoull(std::string(*cl).c_str(), nullptr, 10), deadline);
    if (!body) return std::nullopt;
    r.body = std::move(*body);
    return r;
  }
  while (fill(deadline)) {
  }
  if (!eof_) return std::nullopt;  // timed out before the delimiting close
  r.body = std::move(buffer_);
  buffer_.clear();
  return r;
}

bool client::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = clock::now() + timeout;
  while (fill(deadline)) buffer_.clear();
  return eof_;
}

void client::shutdown_write() {
  ::shutdown(fd_, SHUT_WR);
}

std::string get(std::string_view target, std::string_view extra) {
  std::string out = "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n";
  out += extra;
  out += "\r\n";
  return out;
}

std::string post(std::string_view target, std::string_view body, std::string_view extra) {
  std::string out = "POST " + std::string(target) +
                    " HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\n";
  out += extra;
  out += "\r\n";
  out += body;
  return out;
}

}  // namespace vigil::http::test
