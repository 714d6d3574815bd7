#include "runtime/http/server.hpp"

#include <future>
#include <optional>

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
  // The function may be refused (loop stopped) after it took `done`; keep a
  // shared copy so the caller's callback still runs exactly once.
  auto shared_done = std::make_shared<std::function<void()>>(std::move(done));
  const bool accepted = loop_.dispatch([core = core_, deadline, shared_done] {
    core->drain(deadline, [shared_done] {
      if (*shared_done) std::exchange(*shared_done, nullptr)();
    });
  });
  if (!accepted && *shared_done) std::exchange(*shared_done, nullptr)();
}

void server::drain(std::chrono::milliseconds deadline) {
  if (loop_.in_loop_thread()) {
    drain(deadline, nullptr);
    return;
  }
  auto finished = std::make_shared<std::promise<void>>();
  auto done = finished->get_future();
  drain(deadline, [finished] { finished->set_value(); });
  done.wait();
}

}  // namespace vigil::http
