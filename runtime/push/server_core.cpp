#include "runtime/push/server_core.hpp"

#include "runtime/push/connection.hpp"
#include "storage/base/log.hpp"

namespace vigil::push::detail {
namespace {

// Connections over max_connections are still accepted and told why; beyond
// this many such goodbyes in progress, extra connections are closed at once.
constexpr std::size_t max_refusing = 64;

metrics::counter& received(metrics::registry& r, const char* type) {
  return r
      .counters("vigil_push_messages_received_total",
                "Messages read on push connections, by type (invalid: refused by the decoder).",
                {"type"})
      .with({type});
}

}  // namespace

server_metrics::server_metrics(metrics::registry& r)
    : connections(r.gauges("vigil_push_connections", "Open push connections.").with()),
      opened(
          r.counters("vigil_push_connections_opened_total", "Push connections accepted.").with()),
      refused(r.counters("vigil_push_connections_refused_total",
                         "Push connections refused because max_connections were open.")
                  .with()),
      hellos(received(r, "hello")),
      writes(received(r, "write")),
      pings(received(r, "ping")),
      invalid(received(r, "invalid")),
      samples(r.counters("vigil_push_samples_accepted_total",
                         "Samples stored and acknowledged on push connections.")
                  .with()),
      by_ref(r.counters("vigil_push_series_by_ref_total",
                        "Series of push writes sent to storage by ref (series cache hits).")
                 .with()),
      by_labels(r.counters("vigil_push_series_by_labels_total",
                           "Series of push writes sent to storage by labels.")
                    .with()),
      resent(r.counters("vigil_push_series_resent_total",
                        "Series resent by labels because their shard no longer knew the ref.")
                 .with()),
      errors(r.counters("vigil_push_errors_sent_total",
                        "Error messages sent on push connections, by code.", {"code"})) {}

server_core::server_core(http::event_loop& loop, server_options options, authorizer authorize,
                         runtime::write_sink sink, metrics::registry* registry)
    : loop_(loop),
      options_(std::move(options)),
      authorize_(std::move(authorize)),
      sink_(std::move(sink)) {
  if (!registry) {
    own_registry_ = std::make_unique<metrics::registry>();
    registry = own_registry_.get();
  }
  metrics_ = std::make_unique<server_metrics>(*registry);
}

server_core::~server_core() = default;

expected<uint16_t> server_core::listen(const std::string& host, uint16_t port) {
  if (draining_)
    return error{errc::unavailable, "listen " +
                                        http::address_text(host.empty() ? "0.0.0.0" : host, port) +
                                        ": the server is shutting down"};
  auto bound = listeners_.listen(loop(), host, port, shared_from_this(),
                                 [this](uv_stream_t* listener) { accept(listener); });
  if (bound && !closer_)
    closer_ = loop_.add_closer([weak = weak_from_this()] {
      if (auto core = weak.lock()) core->close_all();
    });
  return bound;
}

void server_core::accept(uv_stream_t* listener) {
  const bool refuse = connections_.size() - refusing_ >= options_.max_connections;
  const uint64_t id = next_id_++;
  auto conn = std::make_shared<connection>(shared_from_this(), id);
  connections_.emplace(id, conn);
  if (!conn->start(listener, refuse)) {
    connections_.erase(id);
    return;
  }
  if (!refuse) {
    metrics_->opened.inc();
    metrics_->connections.inc();
    return;
  }
  metrics_->refused.inc();
  if (++refusing_ > max_refusing) conn->close();
}

void server_core::forget(uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  if (it->second->refused())
    --refusing_;
  else
    metrics_->connections.dec();
  connections_.erase(it);
  if (connections_.empty()) drain_.finish();
}

template <class Fn>
void server_core::each_connection(Fn fn) {
  // Copied: closing may end in forget() once libuv runs the callbacks.
  std::vector<std::shared_ptr<connection>> all;
  for (auto& [id, conn] : connections_) all.push_back(conn);
  for (auto& conn : all) fn(*conn);
}

void server_core::drain(std::chrono::milliseconds deadline, std::function<void()> done) {
  draining_ = true;
  listeners_.close();
  drain_.wait(std::move(done));
  each_connection([](connection& c) { c.drain(); });
  if (connections_.empty()) {
    drain_.finish();
    return;
  }
  drain_.arm(loop(), deadline, [this] {
    log::warn("push", "drain deadline passed; closing remaining connections",
              {{"connections", connections_.size()}});
    each_connection([](connection& c) { c.close(); });
  });
}

void server_core::close_all() {
  draining_ = true;
  if (closer_) {
    loop_.remove_closer(*closer_);
    closer_.reset();
  }
  listeners_.close();
  drain_.cancel();
  each_connection([](connection& c) { c.close(); });
  if (connections_.empty()) drain_.finish();
}

}  // namespace vigil::push::detail
