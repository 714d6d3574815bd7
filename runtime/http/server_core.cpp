#include "runtime/http/server_core.hpp"

#include "runtime/http/connection.hpp"
#include "storage/base/log.hpp"

namespace vigil::http::detail {

namespace {

// Connections over max_connections are still accepted and answered 503
// (so clients see why); beyond this many such answers in progress, extra
// connections are closed without one.
constexpr std::size_t max_rejecting = 64;

}  // namespace

server_core::server_core(event_loop& loop, server_options options, router routes, observer obs)
    : loop_(loop), options_(options), routes_(std::move(routes)), observer_(std::move(obs)) {}

server_core::~server_core() = default;

expected<std::uint16_t> server_core::listen(const std::string& host, std::uint16_t port) {
  if (closed_ || draining_)
    return error{errc::unavailable, "listen " +
                                        address_text(host.empty() ? "0.0.0.0" : host, port) +
                                        ": the server is shutting down"};
  auto bound = listeners_.listen(loop(), host, port, shared_from_this(),
                                 [this](uv_stream_t* listener) { accept(listener); });
  if (bound && !closer_) {
    closer_ = loop_.add_closer([weak = weak_from_this()] {
      if (auto core = weak.lock()) core->close_all();
    });
  }
  return bound;
}

void server_core::accept(uv_stream_t* listener) {
  const std::size_t serving = connections_.size() - rejecting_;
  auto how = connection::admission::serve;
  if (serving >= options_.max_connections)
    how = rejecting_ < max_rejecting ? connection::admission::reject_503
                                     : connection::admission::drop;
  const std::uint64_t id = next_id_++;
  auto conn = std::make_shared<connection>(shared_from_this(), id);
  connections_.emplace(id, conn);
  if (how == connection::admission::reject_503) ++rejecting_;
  if (!conn->start(listener, how)) {
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
  drain_.wait(std::move(done));
  close_idle();
  if (connections_.empty()) {
    finish_drain_if_done();
    return;
  }
  drain_.arm(loop(), deadline, [this] {
    log::warn("http", "drain deadline passed; closing remaining connections",
              {{"connections", connections_.size()}});
    std::vector<std::shared_ptr<connection>> all;
    for (auto& [id, conn] : connections_) all.push_back(conn);
    for (auto& conn : all) conn->close();
  });
}

void server_core::close_all() {
  closed_ = true;
  draining_ = true;
  if (closer_) {
    loop_.remove_closer(*closer_);
    closer_.reset();
  }
  stop_accepting();
  drain_.cancel();
  std::vector<std::shared_ptr<connection>> all;
  for (auto& [id, conn] : connections_) all.push_back(conn);
  for (auto& conn : all) conn->close();
  finish_drain_if_done();
}

void server_core::finish_drain_if_done() {
  if (connections_.empty()) drain_.finish();
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
