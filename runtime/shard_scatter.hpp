#pragma once

// Asking every shard of the node from an HTTP handler: the set of shard
// actors (running, and restarting), one short-lived actor that gathers
// their replies, and Prometheus's success envelope. Header-only: the
// handlers are templates over the reply type.

#include <caf/all.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "actors/interfaces.hpp"
#include "runtime/actor_directory.hpp"
#include "runtime/http/message.hpp"

namespace vigil::runtime {

inline constexpr auto shard_timeout = std::chrono::seconds{60};

/// The node's shards: those running, and those down (being restarted).
struct shard_set {
  std::vector<actors::shard_actor> live;
  std::vector<std::string> down;
};

[[nodiscard]] inline shard_set shards(const actor_directory& directory) {
  shard_set out;
  for (const auto& e : directory.list()) {
    if (e.kind != "shard") continue;
    if (e.handle)
      out.live.push_back(caf::actor_cast<actors::shard_actor>(e.handle));
    else
      out.down.push_back(e.path);
  }
  return out;
}

[[nodiscard]] inline std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

/// Asks every shard the same question from a short-lived actor and hands
/// all replies (or the first error) to `done` on that actor's thread.
template <class Reply, class... Ts>
void ask_shards(caf::actor_system& sys, std::vector<actors::shard_actor> targets,
                std::function<void(std::vector<Reply>, std::optional<std::string>)> done,
                Ts... request) {
  sys.spawn([targets = std::move(targets), done = std::move(done),
             request...](caf::event_based_actor* self) {
    auto replies = std::make_shared<std::vector<Reply>>();
    auto failed = std::make_shared<bool>(false);
    if (targets.empty()) {
      done({}, std::nullopt);
      return;
    }
    for (const auto& shard : targets) {
      self->request(shard, shard_timeout, request...)
          .then(
              [=](Reply& r) {
                replies->push_back(std::move(r));
                if (replies->size() == targets.size()) done(std::move(*replies), std::nullopt);
              },
              [=](caf::error& err) {
                if (std::exchange(*failed, true)) return;
                done({}, self->system().render(err));
                self->quit();
              });
    }
  });
}

/// Prometheus's success envelope, with warnings when there are any.
[[nodiscard]] inline http::response success(nlohmann::json data,
                                            const std::vector<std::string>& warnings = {}) {
  nlohmann::json body{{"status", "success"}, {"data", std::move(data)}};
  if (!warnings.empty()) body["warnings"] = warnings;
  return http::response::json(200, body.dump());
}

}  // namespace vigil::runtime
