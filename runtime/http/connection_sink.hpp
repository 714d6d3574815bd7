#pragma once

// The response_sink the server gives each request's responder: every call
// is posted into the loop thread and applied to the connection if it still
// exists and is still on that request. Internal to vigil_http.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "runtime/http/event_loop.hpp"
#include "runtime/http/responder.hpp"

namespace vigil::http::detail {

class connection;

class connection_sink final : public response_sink {
 public:
  connection_sink(loop_executor executor, std::weak_ptr<connection> conn, std::uint64_t seq);

  void send(response r) override;
  void begin(int status, header_list headers) override;
  void write(std::string chunk) override;
  void end() override;
  void abort() override;
  [[nodiscard]] bool open() const override;
  [[nodiscard]] std::size_t pending_bytes() const override;

 private:
  // Posts `fn` to run with the connection, if it is still alive then.
  bool apply(std::function<void(connection&)> fn);

  loop_executor executor_;
  std::weak_ptr<connection> conn_;
  std::uint64_t seq_;
  std::shared_ptr<std::atomic<std::size_t>> pending_;
};

}  // namespace vigil::http::detail
