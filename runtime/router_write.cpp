#include "runtime/router_write.hpp"

#include <caf/all.hpp>
#include <memory>

#include "actors/interfaces.hpp"
#include "runtime/node_tree.hpp"

namespace vigil::runtime {
namespace {

using namespace std::chrono_literals;

constexpr auto router_timeout = 60s;

// A batch on its way to the forwarder, with its callback.
struct pending_write {
  std::vector<series_write> batch;
  write_done done;
};

}  // namespace
}  // namespace vigil::runtime

// Stays within the process (a callback cannot cross nodes).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vigil::runtime::pending_write)

namespace vigil::runtime {
namespace {

// Asks the router from `self`; `done` runs once with the answer.
void ask_router(caf::event_based_actor* self, const actor_directory& directory,
                std::vector<series_write> batch, write_done done) {
  auto router = directory.find(router_path);
  if (!router || !*router) {
    done(error{errc::unavailable, "the router is restarting; retry"});
    return;
  }
  self->request(caf::actor_cast<actors::router_actor>(*router), router_timeout,
                actors::write_atom::value, std::move(batch))
      .then([done](actors::write_ack& ack) { done(std::move(ack)); },
            [done, self](caf::error& err) {
              done(error{errc::unavailable, "router: " + self->system().render(err)});
            });
}

// Stops the forwarder with the last copy of its sink.
struct forwarder_handle {
  caf::actor actor;
  ~forwarder_handle() {
    if (actor) caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  }
};

}  // namespace

void write_through_router(caf::actor_system& sys, const actor_directory& directory,
                          std::vector<series_write> batch, write_done done) {
  sys.spawn([&directory, batch = std::move(batch),
             done = std::move(done)](caf::event_based_actor* self) mutable {
    ask_router(self, directory, std::move(batch), std::move(done));
  });
}

write_sink ordered_router_sink(caf::actor_system& sys, const actor_directory& directory) {
  auto forwarder = sys.spawn([&directory](caf::event_based_actor* self) -> caf::behavior {
    return {[self, &directory](pending_write& w) {
      ask_router(self, directory, std::move(w.batch), std::move(w.done));
    }};
  });
  auto handle = std::make_shared<forwarder_handle>();
  handle->actor = std::move(forwarder);
  return [handle](std::vector<series_write> batch, write_done done) {
    caf::anon_send(handle->actor, pending_write{std::move(batch), std::move(done)});
  };
}

}  // namespace vigil::runtime
