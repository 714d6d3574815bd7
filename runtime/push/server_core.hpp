#pragma once

// The loop-thread half of push::server: listeners, the connection table,
// admission (max_connections), draining, self-metrics. Internal to
// vigil_push.
//
// Lifetime: shared by the facade, the listeners and every connection, so
// it outlives the close callbacks of its handles. Loop thread only.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/http/drain.hpp"
#include "runtime/http/tcp.hpp"
#include "runtime/push/server.hpp"

namespace vigil::push::detail {

class connection;

/// vigil_push_* self-metrics, children looked up once.
struct server_metrics {
  explicit server_metrics(metrics::registry& r);

  metrics::gauge& connections;
  metrics::counter& opened;
  metrics::counter& refused;
  metrics::counter& hellos;
  metrics::counter& writes;
  metrics::counter& pings;
  metrics::counter& invalid;
  metrics::counter& samples;
  metrics::counter& by_ref;
  metrics::counter& by_labels;
  metrics::counter& resent;
  metrics::family<metrics::counter>& errors;  ///< by code
};

class server_core : public std::enable_shared_from_this<server_core> {
 public:
  server_core(http::event_loop& loop, server_options options, authorizer authorize,
              runtime::write_sink sink, metrics::registry* registry);
  ~server_core();
  server_core(const server_core&) = delete;
  server_core& operator=(const server_core&) = delete;

  [[nodiscard]] expected<uint16_t> listen(const std::string& host, uint16_t port);
  void drain(std::chrono::milliseconds deadline, std::function<void()> done);
  /// Closes listeners and connections now.
  void close_all();

  // For connections.
  [[nodiscard]] const server_options& options() const { return options_; }
  [[nodiscard]] const authorizer& authorize() const { return authorize_; }
  [[nodiscard]] const runtime::write_sink& sink() const { return sink_; }
  [[nodiscard]] http::loop_executor executor() const { return loop_.executor(); }
  [[nodiscard]] uv_loop_t* loop() { return loop_.native(); }
  [[nodiscard]] server_metrics& stats() { return *metrics_; }
  /// A connection's handles are closed: drop it.
  void forget(uint64_t id);
  /// One buffer for all reads: libuv hands it to one read callback at a
  /// time, and the framer copies what it keeps.
  [[nodiscard]] uv_buf_t read_buffer() {
    return uv_buf_init(read_buffer_.data(), static_cast<unsigned>(read_buffer_.size()));
  }

 private:
  void accept(uv_stream_t* listener);
  template <class Fn>
  void each_connection(Fn fn);

  http::event_loop& loop_;
  server_options options_;
  authorizer authorize_;
  runtime::write_sink sink_;
  std::unique_ptr<metrics::registry> own_registry_;  // when none was given
  std::unique_ptr<server_metrics> metrics_;
  std::map<uint64_t, std::shared_ptr<connection>> connections_;
  std::size_t refusing_ = 0;  // connections being told "too many"
  http::listener_set listeners_{"push"};
  uint64_t next_id_ = 1;
  bool draining_ = false;
  http::drain_tracker drain_;
  std::optional<http::event_loop::closer_id> closer_;
  std::array<char, 64 * 1024> read_buffer_{};
};

}  // namespace vigil::push::detail
