#include "runtime/http/server_core.hpp"

#include "runtime/http/connection.hpp"
#include "storage/base/log.hpp"

namespace vigil::http::detail {

namespace {

// Connections over max_connections are still accepted and answered 503
// (so clients see why); beyond this many such answers in progress, extra
// connections are closed without one.
constexpr std::size_t max_rejecting = 64;

constexpr int listen_backlog = 511;

std::string address_text(const std::string& host, std::uint16_t port) {
  return host.find(':') != std::string::npos ? "[" + host + "]:" + std::to_string(port)
                                             : host + ":" + std::to_string(port);
}

}  // namespace

struct server_core::listener {
  uv_tcp_t tcp{};
  std::shared_ptr<server_core> core;  // kept until the close callback
  std::string address;
};

server_core::server_core(event_loop& loop, server_options options, router routes, observer obs)
    : loop_(loop), options_(options), routes_(std::move(routes)), observer_(std::move(obs)) {}

server_core::~server_core() = default;

expected<std::uint16_t> server_core::listen(const std::string& host_in, std::uint16_t port) {
  const std::string host = host_in.empty() ? "0.0.0.0" : host_in;
  const std::string where = address_text(host, port);
  if (closed_ || draining_)
    return error{errc::unavailable, "listen " + where + ": the server is shutting down"};
  sockaddr_storage addr{};
  const bool v6 = host.find(':') != std::string::npos;
  const int parsed = v6 ? uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr))
                        : uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr));
  if (parsed != 0)
    return error{errc::invalid_argument,
                 "listen address \"" + host + "\" is not an IPv4 or IPv6 literal"};

  auto* l = new listener{};
  l->core = shared_from_this();
  l->address = where;
  if (int rc = uv_tcp_init(loop(), &l->tcp); rc != 0) {
    delete l;
    return error{errc::io_error, "listen " + where + ": " + uv_strerror(rc)};
  }
  l->tcp.data = l;
  auto* stream = reinterpret_cast<uv_stream_t*>(&l->tcp);
  // libuv reports some bind errors (EADDRINUSE) only from uv_listen.
  int rc = uv_tcp_bind(&l->tcp, reinterpret_cast<const sockaddr*>(&addr), 0);
  if (rc == 0) rc = uv_listen(stream, listen_backlog, &server_core::on_connection);
  if (rc != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&l->tcp),
             [](uv_handle_t* h) { delete static_cast<listener*>(h->data); });
    return error{errc::io_error, "listen " + where + ": " + uv_strerror(rc)};
  }
  sockaddr_storage bound{};
  int len = sizeof bound;
  uv_tcp_getsockname(&l->tcp, reinterpret_cast<sockaddr*>(&bound), &len);
  const std::uint16_t actual =
      ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  l->address = address_text(host, actual);
  listeners_.push_back(l);
  if (!closer_) {
    closer_ = loop_.add_closer([weak = weak_from_this()] {
      if (auto core = weak.lock()) core->close_all();
    });
  }
  log::info("http", "listening", {{"addr", l->address}});
  return actual;
}

void server_core::on_connection(uv_stream_t* stream, int status) {
  auto* l = static_cast<listener*>(stream->data);
  if (status < 0) {
    log::warn("http", "accept failed", {{"addr", l->address}, {"error", uv_strerror(status)}});
    return;
  }
  l->core->accept(*l);
}

void server_core::accept(listener& l) {
  const std::size_t serving = connections_.size() - rejecting_;
  auto how = connection::admission::serve;
  if (serving >= options_.max_connections)
    how = rejecting_ < max_rejecting ? connection::admission::reject_503
                                     : connection::admission::drop;
  const std::uint64_t id = next_id_++;
  auto conn = std::make_shared<connection>(shared_from_this(), id);
  connections_.emplace(id, conn);
  if (how == connection::admission::reject_503) ++rejecting_;
  if (!conn->start(reinterpret_cast<uv_stream_t*>(&l.tcp), how)) {
    if (how == connection::admission::reject_503) --rejecting_;
    connections_.erase(id);
  }
}

void server_core::forget(std::uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  if (it->second->rejected()) --rejecting_;
  connections_.erase(it);
  finish_drain_if_done();
}

void server_core::stop_accepting() {
  for (listener* l : listeners_) {
    log::info("http", "stopped listening", {{"addr", l->address}});
    uv_close(reinterpret_cast<uv_handle_t*>(&l->tcp),
             [](uv_handle_t* h) { delete static_cast<listener*>(h->data); });
  }
  listeners_.clear();
}

void server_core::close_idle() {
  // close() only schedules the close callbacks, so the map is not modified
  // while we walk it; copy anyway to stay independent of that detail.
  std::vector<std::shared_ptr<connection>> all;
  for (auto& [id, conn] : connections_) all.push_back(conn);
  for (auto& conn : all) conn->close_if_idle();
}

void server_core::drain(std::chrono::milliseconds deadline, std::function<void()> done) {
  draining_ = true;
  stop_accepting();
  if (done) drain_waiters_.push_back(std::move(done));
  close_idle();
  if (connections_.empty()) {
    finish_drain_if_done();
    return;
  }
  if (drain_timer_ != nullptr) return;  // an earlier drain's deadline stands
  drain_timer_ = new uv_timer_t{};
  uv_timer_init(loop(), drain_timer_);
  drain_timer_->data = this;
  uv_timer_start(
      drain_timer_,
      [](uv_timer_t* t) {
        auto* self = static_cast<server_core*>(t->data);
        log::warn("http", "drain deadline passed; closing remaining connections",
                  {{"connections", self->connections_.size()}});
        std::vector<std::shared_ptr<connection>> all;
        for (auto& [id, conn] : self->connections_) all.push_back(conn);
        for (auto& conn : all) conn->close();
      },
      static_cast<std::uint64_t>(deadline.count()), 0);
}

void server_core::close_all() {
  closed_ = true;
  draining_ = true;
  if (closer_) {
    loop_.remove_closer(*closer_);
    closer_.reset();
  }
  stop_accepting();
  close_drain_timer();
  std::vector<std::shared_ptr<connection>> all;
  for (auto& [id, conn] : connections_) all.push_back(conn);
  for (auto& conn : all) conn->close();
  finish_drain_if_done();
}

void server_core::close_drain_timer() {
  if (drain_timer_ == nullptr) return;
  if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(drain_timer_)))
    uv_close(reinterpret_cast<uv_handle_t*>(drain_timer_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
  drain_timer_ = nullptr;
}

void server_core::finish_drain_if_done() {
  if (!connections_.empty() || drain_waiters_.empty()) return;
  close_drain_timer();
  auto waiters = std::move(drain_waiters_);
  drain_waiters_.clear();
  for (auto& fn : waiters) {
    try {
      fn();
    } catch (const std::exception& e) {
      log::error("http", "drain callback threw", {{"what", e.what()}});
    }
  }
}

void server_core::observe(std::string_view handler_name, int status, double seconds) {
  if (!observer_) return;
  try {
    observer_(handler_name, status, seconds);
  } catch (const std::exception& e) {
    log::error("http", "observer threw", {{"what", e.what()}});
  }
}

}  // namespace vigil::http::detail
