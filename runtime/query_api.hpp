#pragma once

// PromQL over HTTP, as Prometheus serves it (read role, GET or form POST):
//   /api/v1/query         query, time            instant query
//   /api/v1/query_range   query, start, end, step[, nocache]: answered
//                         through the range-query cache unless nocache=1
//   /api/v1/format_query  query                  the query as Prometheus prints it
// Queries run on the query_runner's own threads: evaluation reads the
// shards through blocking requests, which may happen neither on the loop
// thread nor inside an actor.

#include <caf/fwd.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "rules/promql/engine.hpp"
#include "rules/promql/range_cache.hpp"
#include "runtime/actor_directory.hpp"
#include "runtime/auth.hpp"
#include "runtime/http/router.hpp"

namespace vigil::runtime {

/// A fixed pool of query threads with a bounded queue. Destroying it waits
/// for the running queries (their shard requests time out when the shards
/// are gone), so declare it after the actor system it uses.
class query_runner {
 public:
  query_runner(size_t threads, size_t max_queued);
  ~query_runner();
  query_runner(const query_runner&) = delete;
  query_runner& operator=(const query_runner&) = delete;

  /// Queues `job`; false (and `job` dropped) when the queue is full.
  [[nodiscard]] bool submit(std::function<void()> job);

 private:
  void work();

  size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

/// `limits` bound every query (a request's `timeout` may shorten its own);
/// `cache` must hold results of `engine` only.
void add_query_routes(http::router& router, caf::actor_system& sys,
                      const actor_directory& directory, const authenticator& auth,
                      query_runner& runner, const promql::engine& engine,
                      promql::range_cache& cache, const config::query_config& limits);

}  // namespace vigil::runtime
