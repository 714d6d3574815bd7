#pragma once

// One accepted TCP connection: a small state machine that reads and parses
// one request at a time, hands it to its route, and writes the response
// before it parses the next one (so pipelined requests are answered in
// order and a client that never reads cannot make us queue responses).
//
//   idle --first byte--> reading --complete--> handling --send--> writing
//     ^                     |                     |--begin--> streaming --end--> writing
//     |                     +--error/timeout--> writing (error, close)
//     +------------- written, keep-alive -------------------------+
//   writing --written, close--> lingering --EOF/timeout--> closed
//
// Timers: idle_timeout in idle, read_timeout from the first byte in
// reading, idle_timeout again while the final bytes of a response wait for
// a client that does not read (writing), linger_timeout in lingering; none
// while a handler runs or a response streams.
// Reading is stopped from handling until the response is written.
//
// Threading: loop thread only. Responders reach it through a sink that
// holds a weak_ptr and posts into the loop; every completion carries the
// request's sequence number, so late completions are ignored.

#include <uv.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/http/message.hpp"
#include "runtime/http/request_parser.hpp"
#include "runtime/http/tcp.hpp"
#include "runtime/http/wire.hpp"

namespace vigil::http::detail {

class server_core;

class connection : public std::enable_shared_from_this<connection> {
 public:
  /// How a newly accepted connection is treated.
  enum class admission { serve, reject_503, drop };

  connection(std::shared_ptr<server_core> core, std::uint64_t id);
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Accepts the pending connection of `listener` and starts serving it.
  /// Returns false if no handle could be created (nothing to close then).
  [[nodiscard]] bool start(uv_stream_t* listener, admission how);

  /// Closes now; a response in progress is dropped. Idempotent.
  void close();

  /// Closes if waiting for a new request with nothing buffered.
  void close_if_idle();

  [[nodiscard]] bool rejected() const { return rejected_; }

  // Completions, each for request `seq`; ignored if that request is no
  // longer the current one or the connection is closing.
  void complete(std::uint64_t seq, response r);
  void stream_begin(std::uint64_t seq, int status, header_list headers);
  /// Returns false if the chunk was dropped (the caller then settles
  /// `pending` itself); otherwise `pending` is reduced by `size` once
  /// written or discarded.
  bool stream_write(std::uint64_t seq, std::string chunk,
                    const std::shared_ptr<std::atomic<std::size_t>>& pending);
  void stream_end(std::uint64_t seq);
  void stream_abort(std::uint64_t seq);

 private:
  enum class phase { idle, reading, handling, streaming, writing, lingering, closed };
  struct write_op;

  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_timer(uv_timer_t* timer);
  static void on_close(uv_handle_t* handle);

  void handle_read(ssize_t nread, const uv_buf_t* buf);
  void consume(std::string_view data);
  void begin_reading();
  void dispatch(request r);
  void fail(int status, const std::string& message);
  void send_response(response r);
  void send(std::string a, std::string b = {}, std::string c = {}, bool last = false,
            std::size_t accounted = 0, std::shared_ptr<std::atomic<std::size_t>> pending = {});
  void on_written(int status, write_op& op);
  void finish_exchange();
  void begin_linger();
  void wait_for_request();
  void set_reading(bool on);
  void arm_timer(std::chrono::milliseconds after);
  void arm_write_timer();

  std::shared_ptr<server_core> core_;
  std::uint64_t id_;
  served_socket socket_;
  bool rejected_ = false;
  phase phase_ = phase::idle;
  request_parser parser_;
  std::string input_;  // bytes received but not parsed yet

  // The current exchange.
  std::uint64_t seq_ = 0;
  std::string handler_name_;
  std::chrono::steady_clock::time_point started_;
  int status_ = 0;
  bool keep_alive_ = false;
  bool http_1_0_ = false;
  bool head_ = false;
  bool send_body_ = true;
  framing framing_ = framing::length;
};

}  // namespace vigil::http::detail
