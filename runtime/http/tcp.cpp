#include "runtime/http/tcp.hpp"

#include "storage/base/log.hpp"

namespace vigil::http {
namespace {

constexpr int listen_backlog = 511;

std::uint16_t port_of(const sockaddr_storage& addr) {
  return ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port
                                          : reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
}

template <class Handle>
uv_handle_t* as_handle(Handle* h) {
  return reinterpret_cast<uv_handle_t*>(h);
}

}  // namespace

std::string address_text(const std::string& host, std::uint16_t port) {
  return host.find(':') != std::string::npos ? "[" + host + "]:" + std::to_string(port)
                                             : host + ":" + std::to_string(port);
}

std::string peer_address(const uv_tcp_t& tcp) {
  sockaddr_storage addr{};
  int len = sizeof addr;
  if (uv_tcp_getpeername(&tcp, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "unknown";
  char ip[64] = {};
  if (addr.ss_family == AF_INET6) {
    uv_ip6_name(reinterpret_cast<const sockaddr_in6*>(&addr), ip, sizeof ip);
    return "[" + std::string(ip) + "]:" + std::to_string(port_of(addr));
  }
  uv_ip4_name(reinterpret_cast<const sockaddr_in*>(&addr), ip, sizeof ip);
  return std::string(ip) + ":" + std::to_string(port_of(addr));
}

struct listener_set::listener {
  uv_tcp_t tcp{};
  std::shared_ptr<void> keep;  // until the close callback
  accept_fn accept;
  std::string address;
  const std::string* component = nullptr;
};

expected<std::uint16_t> listener_set::listen(uv_loop_t* loop, const std::string& host_in,
                                             std::uint16_t port, std::shared_ptr<void> keep,
                                             accept_fn accept) {
  const std::string host = host_in.empty() ? "0.0.0.0" : host_in;
  const std::string where = address_text(host, port);
  sockaddr_storage addr{};
  const bool v6 = host.find(':') != std::string::npos;
  const int parsed = v6 ? uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr))
                        : uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr));
  if (parsed != 0)
    return error{errc::invalid_argument,
                 "listen address \"" + host + "\" is not an IPv4 or IPv6 literal"};
  auto* l = new listener{{}, std::move(keep), std::move(accept), where, &component_};
  if (int rc = uv_tcp_init(loop, &l->tcp); rc != 0) {
    delete l;
    return error{errc::io_error, "listen " + where + ": " + uv_strerror(rc)};
  }
  l->tcp.data = l;
  auto* stream = reinterpret_cast<uv_stream_t*>(&l->tcp);
  // libuv reports some bind errors (EADDRINUSE) only from uv_listen.
  int rc = uv_tcp_bind(&l->tcp, reinterpret_cast<const sockaddr*>(&addr), 0);
  if (rc == 0)
    rc = uv_listen(stream, listen_backlog, [](uv_stream_t* s, int status) {
      auto* self = static_cast<listener*>(s->data);
      if (status < 0)
        log::warn(*self->component, "accept failed",
                  {{"addr", self->address}, {"error", uv_strerror(status)}});
      else
        self->accept(s);
    });
  if (rc != 0) {
    uv_close(as_handle(&l->tcp), [](uv_handle_t* h) { delete static_cast<listener*>(h->data); });
    return error{errc::io_error, "listen " + where + ": " + uv_strerror(rc)};
  }
  sockaddr_storage bound{};
  int len = sizeof bound;
  uv_tcp_getsockname(&l->tcp, reinterpret_cast<sockaddr*>(&bound), &len);
  l->address = address_text(host, port_of(bound));
  listeners_.push_back(l);
  log::info(component_, "listening", {{"addr", l->address}});
  return port_of(bound);
}

void listener_set::close() {
  for (listener* l : listeners_) {
    log::info(component_, "stopped listening", {{"addr", l->address}});
    uv_close(as_handle(&l->tcp), [](uv_handle_t* h) { delete static_cast<listener*>(h->data); });
  }
  listeners_.clear();
}

served_socket::opened served_socket::open(uv_loop_t* loop, uv_stream_t* listener, void* owner,
                                          uv_close_cb on_close, const char* component) {
  on_close_ = on_close;
  if (uv_timer_init(loop, &timer_) != 0) return opened::nothing;
  timer_.data = owner;
  ++open_;
  if (uv_tcp_init(loop, &tcp_) != 0) {
    closed_ = true;
    uv_close(as_handle(&timer_), on_close_);
    return opened::closing;
  }
  tcp_.data = owner;
  ++open_;
  if (int rc = uv_accept(listener, stream()); rc != 0) {
    log::warn(component, "accept failed", {{"error", uv_strerror(rc)}});
    close();
    return opened::closing;
  }
  uv_tcp_nodelay(&tcp_, 1);
  remote_ = peer_address(tcp_);
  return opened::open;
}

void served_socket::close() {
  if (closed_) return;
  closed_ = true;
  uv_timer_stop(&timer_);
  uv_close(as_handle(&timer_), on_close_);
  uv_close(as_handle(&tcp_), on_close_);
}

bool served_socket::read(bool on, uv_alloc_cb alloc, uv_read_cb on_read) {
  if (closed_ || on == reading_) return true;
  reading_ = on;
  if (!on) {
    uv_read_stop(stream());
    return true;
  }
  return uv_read_start(stream(), alloc, on_read) == 0;
}

void served_socket::arm(std::chrono::milliseconds after, uv_timer_cb on_timer) {
  uv_timer_start(&timer_, on_timer, static_cast<std::uint64_t>(after.count()), 0);
}

bool served_socket::shutdown(void (*done)(uv_stream_t* stream, int status)) {
  after_shutdown_ = done;
  auto* req = new uv_shutdown_t{};
  req->data = this;
  const int rc = uv_shutdown(req, stream(), [](uv_shutdown_t* r, int status) {
    auto* self = static_cast<served_socket*>(r->data);
    delete r;
    self->after_shutdown_(self->stream(), status);
  });
  if (rc != 0) delete req;
  return rc == 0;
}

}  // namespace vigil::http
