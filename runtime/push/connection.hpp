#pragma once

// One push connection (docs/protocol.md): a state machine on the loop
// thread.
//
//   handshake --hello, welcome--> open --fatal error, EOF, drain--> closing
//   closing --every answer handed to the socket--> lingering --EOF/timeout--> closed
//
// In handshake and open the connection reads while it has fewer than
// max_inflight unanswered messages and fewer than max_pending_output bytes
// of answers waiting for the client; otherwise complete messages wait in
// the framer (at most one read's worth) and the socket is not read.
//
// Answers (acks and errors) are queued in message order; a write's slot
// fills when storage answers (posted from any thread through a weak_ptr,
// so late answers for a closed connection are dropped) and the filled
// head of the queue is sent. Pongs bypass the queue.
//
// Timer: hello_timeout in handshake; idle_timeout in open and closing
// (re-armed by every read and every completed send; ignored while storage
// has writes of this connection); linger_timeout in lingering.
//
// Threading: loop thread only.

#include <uv.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/http/tcp.hpp"
#include "runtime/push/write_job.hpp"
#include "runtime/wire/push_framer.hpp"
#include "runtime/wire/push_series_cache.hpp"

namespace vigil::push::detail {

class server_core;

class connection : public std::enable_shared_from_this<connection> {
 public:
  connection(std::shared_ptr<server_core> core, uint64_t id);
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Accepts the pending connection of `listener` and serves it, or (with
  /// `refuse`) tells it why not and closes. False if no handle could be
  /// created (nothing to close then).
  [[nodiscard]] bool start(uv_stream_t* listener, bool refuse);

  /// Closes now; answers not sent are dropped. Idempotent.
  void close();

  /// Stops reading, answers what was read, says goodbye and closes.
  void drain();

  [[nodiscard]] bool refused() const { return refused_; }

 private:
  enum class phase { handshake, open, closing, lingering, closed };
  struct answer_slot {
    std::unique_ptr<write_job> job;  // null for errors
    std::string bytes;               // the encoded answer, once ready
    bool ready = false;
  };

  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_timer(uv_timer_t* timer);
  static void on_close(uv_handle_t* handle);

  void handle_read(ssize_t nread, const uv_buf_t* buf);
  void pump();
  void handle(std::string_view frame);
  void welcome(const wire::push::hello_msg& hello);
  void start_write(wire::push::write_msg write, std::string_view frame);
  void submit(uint64_t slot, std::vector<series_write> batch);
  void answered(uint64_t slot, expected<actors::write_ack> ack);
  void finish(answer_slot& slot);
  void queue_error(const wire::push::error_msg& e, bool fatal);
  void begin_closing();
  void release_answers();
  void settle();
  void send_pending();
  void on_sent(int status, std::size_t bytes);
  void begin_linger();
  void set_reading(bool on);
  void arm_timer();
  void timed_out();
  [[nodiscard]] bool wants_input() const;

  std::shared_ptr<server_core> core_;
  uint64_t id_;
  http::served_socket socket_;
  phase phase_ = phase::handshake;
  bool eof_ = false;
  bool refused_ = false;
  std::string client_;

  wire::push::framer framer_;
  wire::push::series_cache cache_;
  std::deque<answer_slot> answers_;  // in message order
  uint64_t first_slot_ = 0;          // the slot number of answers_.front()
  std::size_t in_storage_ = 0;       // writes storage has not answered
  std::string out_;                  // answers not yet handed to libuv
  std::size_t sending_ = 0;          // bytes handed to libuv, not yet written
};

}  // namespace vigil::push::detail
