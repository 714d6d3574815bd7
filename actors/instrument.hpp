#pragma once

// Self-instrumentation for actors: every handler built with `instrumented`
// counts the messages it handles and keeps the actor kind's mailbox-depth
// gauge current, and the behaviour gains a fault-injection handler so tests
// and `vigilctl kill` can make any vigil actor fail on purpose.

#include <caf/event_based_actor.hpp>
#include <caf/sec.hpp>
#include <memory>
#include <stdexcept>
#include <string>

#include "actors/atoms.hpp"
#include "storage/base/metrics.hpp"

namespace vigil::actors {

/// The metrics shared by all actors of one kind.
struct actor_probe {
  metrics::counter* messages = nullptr;
  metrics::gauge* mailbox_depth = nullptr;
};

/// Looks up (or creates) the probe for actors of `kind`.
[[nodiscard]] inline actor_probe probe_for(metrics::registry& reg, const std::string& kind) {
  return {
      &reg.counters("vigil_actor_messages_total", "Messages handled, by actor kind.", {"kind"})
           .with({kind}),
      &reg.gauges("vigil_actor_mailbox_depth", "Messages waiting in mailboxes, by actor kind.",
                  {"kind"})
           .with({kind}),
  };
}

namespace detail {

// One per actor: the depth it last added to its kind's gauge, so the gauge
// is the sum over live actors and the actor's share leaves with it.
struct depth_share {
  metrics::gauge* gauge;
  double last = 0;
  void update(double now) {
    gauge->inc(now - last);
    last = now;
  }
};

template <class F, class... Ts>
auto counted(caf::scheduled_actor* self, metrics::counter* messages,
             std::shared_ptr<depth_share> depth, F f, caf::detail::type_list<Ts...>) {
  return [=](Ts... xs) mutable {
    messages->inc();
    depth->update(static_cast<double>(self->mailbox().size()));
    return f(std::forward<Ts>(xs)...);
  };
}

}  // namespace detail

/// Builds a behaviour from `handlers` with message counting, mailbox-depth
/// tracking and a handler for `(fault_atom, mode)`: "throw" throws from the
/// handler, "exit" quits with an error (both abnormal exits). Typed actors
/// pass their behaviour type and list `reacts_to<fault_atom, std::string>`
/// in their interface.
template <class Behavior = caf::behavior, class Self, class... Fs>
Behavior instrumented(Self* self, actor_probe probe, Fs... handlers) {
  auto depth = std::make_shared<detail::depth_share>(detail::depth_share{probe.mailbox_depth});
  self->attach_functor([depth] { depth->update(0); });
  auto wrap = [&](auto f) {
    using args = typename caf::detail::get_callable_trait<decltype(f)>::arg_types;
    return detail::counted(self, probe.messages, depth, std::move(f), args{});
  };
  return Behavior{
      wrap(std::move(handlers))...,
      wrap([self](fault_atom, const std::string& mode) {
        if (mode == "throw") throw std::runtime_error("injected fault");
        self->quit(caf::make_error(caf::sec::runtime_error, "injected fault"));
      }),
  };
}

}  // namespace vigil::actors
