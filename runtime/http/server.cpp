#include "runtime/http/server.hpp"

#include <optional>

#include "runtime/http/drain.hpp"
#include "runtime/http/server_core.hpp"

namespace vigil::http {

server::server(event_loop& loop, server_options options, router routes, observer obs)
    : loop_(loop),
      core_(std::make_shared<detail::server_core>(loop, options, std::move(routes),
                                                  std::move(obs))) {}

server::~server() {
  // Blocking on purpose (see the header): after this no handler may run,
  // since handlers may capture objects that die with the caller. If the
  // loop is already stopped its closers have closed everything.
  loop_.run_in_loop([core = core_] { core->close_all(); });
}

expected<std::uint16_t> server::listen(std::string host, std::uint16_t port) {
  std::optional<expected<std::uint16_t>> result;
  const bool ran = loop_.run_in_loop([&] { result.emplace(core_->listen(host, port)); });
  if (!ran || !result)
    return error{errc::unavailable,
                 "listen " + host + ":" + std::to_string(port) + ": the event loop is stopped"};
  return std::move(*result);
}

void server::stop_accepting() {
  loop_.dispatch([core = core_] { core->stop_accepting(); });
}

void server::close_idle() {
  loop_.dispatch([core = core_] { core->close_idle(); });
}

void server::drain(std::chrono::milliseconds deadline, std::function<void()> done) {
  dispatch_drain(
      loop_, [core = core_, deadline](std::function<void()> d) { core->drain(deadline, d); },
      std::move(done));
}

void server::drain(std::chrono::milliseconds deadline) {
  await_drain(loop_,
              [core = core_, deadline](std::function<void()> d) { core->drain(deadline, d); });
}

}  // namespace vigil::http
