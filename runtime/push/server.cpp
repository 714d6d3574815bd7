#include "runtime/push/server.hpp"

#include <optional>

#include "runtime/http/drain.hpp"
#include "runtime/push/server_core.hpp"

namespace vigil::push {

server::server(http::event_loop& loop, server_options options, authorizer authorize,
               runtime::write_sink sink, metrics::registry* registry)
    : loop_(loop),
      core_(std::make_shared<detail::server_core>(loop, std::move(options), std::move(authorize),
                                                  std::move(sink), registry)) {}

server::~server() {
  // Blocking on purpose: the sink and authorizer may capture objects that
  // die with the caller. A stopped loop's closers have closed everything.
  loop_.run_in_loop([core = core_] { core->close_all(); });
}

expected<uint16_t> server::listen(std::string host, uint16_t port) {
  std::optional<expected<uint16_t>> result;
  const bool ran = loop_.run_in_loop([&] { result.emplace(core_->listen(host, port)); });
  if (!ran || !result)
    return error{errc::unavailable,
                 "listen " + host + ":" + std::to_string(port) + ": the event loop is stopped"};
  return std::move(*result);
}

void server::drain(std::chrono::milliseconds deadline, std::function<void()> done) {
  http::dispatch_drain(
      loop_, [core = core_, deadline](std::function<void()> d) { core->drain(deadline, d); },
      std::move(done));
}

void server::drain(std::chrono::milliseconds deadline) {
  http::await_drain(
      loop_, [core = core_, deadline](std::function<void()> d) { core->drain(deadline, d); });
}

}  // namespace vigil::push
