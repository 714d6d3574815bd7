#include "runtime/http/connection.hpp"

#include <array>
#include <exception>

#include "runtime/http/connection_sink.hpp"
#include "runtime/http/server_core.hpp"
#include "runtime/http/tcp.hpp"
#include "storage/base/log.hpp"

namespace vigil::http::detail {

/// One uv_write: up to three buffers (chunk prefix, data, suffix) that must
/// stay alive until the write callback.
struct connection::write_op {
  uv_write_t req{};
  std::array<std::string, 3> parts;
  bool last = false;  // completes the exchange
  std::size_t accounted = 0;
  std::shared_ptr<std::atomic<std::size_t>> pending;
};

connection::connection(std::shared_ptr<server_core> core, std::uint64_t id)
    : core_(std::move(core)),
      id_(id),
      parser_({core_->options().max_header_bytes, core_->options().max_body_bytes}) {}

bool connection::start(uv_stream_t* listener, admission how) {
  switch (socket_.open(core_->loop(), listener, this, &connection::on_close, "http")) {
    case served_socket::opened::nothing:
      return false;
    case served_socket::opened::closing:
      phase_ = phase::closed;
      return true;
    case served_socket::opened::open:
      break;
  }
  if (how == admission::drop) {
    close();
    return true;
  }
  if (how == admission::reject_503) {
    rejected_ = true;
    fail(503, "too many open connections");
    return true;
  }
  wait_for_request();
  return true;
}

void connection::close() {
  if (phase_ == phase::closed) return;
  phase_ = phase::closed;
  // Closing the stream cancels queued writes (their callbacks run first
  // with UV_ECANCELED); the object is freed after both close callbacks.
  socket_.close();
}

void connection::close_if_idle() {
  if (phase_ == phase::idle && input_.empty()) close();
}

void connection::on_close(uv_handle_t* handle) {
  auto* self = static_cast<connection*>(handle->data);
  if (!self->socket_.release()) return;
  // forget() may destroy *self (and then the core): keep the core alive
  // until it returned.
  auto core = self->core_;
  core->forget(self->id_);
}

void connection::set_reading(bool on) {
  const bool ok = socket_.read(
      on,
      [](uv_handle_t* h, std::size_t, uv_buf_t* buf) {
        *buf = static_cast<connection*>(h->data)->core_->read_buffer();
      },
      &connection::on_read);
  if (!ok) close();
}

void connection::arm_timer(std::chrono::milliseconds after) {
  socket_.arm(after, &connection::on_timer);
}

void connection::on_timer(uv_timer_t* timer) {
  auto* self = static_cast<connection*>(timer->data);
  if (self->phase_ == phase::reading)
    self->fail(408, "request not received within the read timeout");
  else
    self->close();  // idle, lingering, or a response the client does not read
}

void connection::wait_for_request() {
  phase_ = phase::idle;
  arm_timer(core_->options().idle_timeout);
  set_reading(true);
}

void connection::begin_reading() {
  phase_ = phase::reading;
  started_ = std::chrono::steady_clock::now();
  arm_timer(core_->options().read_timeout);
}

void connection::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  static_cast<connection*>(stream->data)->handle_read(nread, buf);
}

void connection::handle_read(ssize_t nread, const uv_buf_t* buf) {
  if (nread == 0 || phase_ == phase::closed) return;
  if (nread < 0) {
    // EOF: between requests or while lingering that is the normal end; in
    // the middle of a request the request can never complete. Either way
    // there is nobody to answer. Read errors (reset) end it the same way.
    close();
    return;
  }
  if (phase_ == phase::lingering) return;  // discard
  const std::string_view data(buf->base, static_cast<std::size_t>(nread));
  if (phase_ == phase::idle) begin_reading();
  if (input_.empty()) {
    consume(data);
  } else {
    input_.append(data);
    const std::string buffered = std::move(input_);
    input_.clear();
    consume(buffered);
  }
}

void connection::consume(std::string_view data) {
  while (phase_ == phase::reading && !data.empty()) {
    const auto r = parser_.feed(data);
    data.remove_prefix(r.consumed);
    if (r.state == request_parser::outcome::failed) {
      fail(parser_.error_status(), parser_.error_message());
      return;
    }
    if (r.state == request_parser::outcome::complete) {
      input_.assign(data);  // the next pipelined request, parsed after this one is answered
      dispatch(parser_.take());
      return;
    }
    // Body still to come: tell a waiting client to send it.
    if (parser_.take_continue()) send(std::string(continue_response));
    if (r.consumed == 0) break;  // cannot happen with http-parser; never spin
  }
}

void connection::dispatch(request r) {
  phase_ = phase::handling;
  socket_.stop();
  set_reading(false);
  ++seq_;
  keep_alive_ = parser_.keep_alive();
  http_1_0_ = parser_.http_1_0();
  head_ = r.method == "HEAD";
  r.remote = socket_.remote();
  auto match = core_->routes().match(r.method, r.path);
  handler_name_ = match.name;
  if (match.status == 404) {
    send_response(response::error(404, "not_found", "no handler for path " + r.path));
    return;
  }
  if (match.status == 405) {
    auto res =
        response::error(405, "bad_data", "method " + r.method + " not allowed for " + r.path);
    res.headers.emplace_back("Allow", std::move(match.allow));
    send_response(std::move(res));
    return;
  }
  r.params = std::move(match.params);
  responder res(std::make_shared<connection_sink>(core_->executor(), weak_from_this(), seq_));
  try {
    (*match.fn)(std::move(r), std::move(res));
  } catch (const std::exception& e) {
    // The responder (if the handler still held it) answers 500 as dropped.
    log::error("http", "handler threw", {{"handler", handler_name_}, {"what", e.what()}});
  } catch (...) {
    log::error("http", "handler threw", {{"handler", handler_name_}});
  }
}

void connection::fail(int status, const std::string& message) {
  log::debug("http", "refusing request",
             {{"remote", socket_.remote()}, {"status", status}, {"reason", message}});
  if (phase_ != phase::reading) started_ = std::chrono::steady_clock::now();
  phase_ = phase::handling;
  socket_.stop();
  set_reading(false);
  input_.clear();
  ++seq_;
  handler_name_ = unmatched_handler_name;
  keep_alive_ = false;
  http_1_0_ = false;
  head_ = false;
  send_response(response::error(status, message));
}

void connection::complete(std::uint64_t seq, response r) {
  if (seq != seq_ || phase_ != phase::handling) return;
  send_response(std::move(r));
}

void connection::send_response(response r) {
  if (r.status < 200 || r.status > 999)
    r = response::error(500, "internal",
                        "handler produced invalid status " + std::to_string(r.status));
  status_ = r.status;
  keep_alive_ = keep_alive_ && !core_->draining();
  const bool no_body = status_forbids_body(r.status);
  const head_options head{no_body ? framing::none : framing::length, r.body.size(), keep_alive_,
                          http_1_0_};
  phase_ = phase::writing;
  if (head_ || no_body) r.body.clear();
  send(format_head(r.status, r.headers, head), std::move(r.body), {}, true);
  arm_write_timer();
}

void connection::arm_write_timer() {
  // A client that stops reading must not pin the connection and its
  // response forever.
  if (phase_ == phase::writing) arm_timer(core_->options().idle_timeout);
}

void connection::stream_begin(std::uint64_t seq, int status, header_list headers) {
  if (seq != seq_ || phase_ != phase::handling) return;
  if (status < 200 || status > 999) {
    send_response(response::error(500, "internal",
                                  "handler produced invalid status " + std::to_string(status)));
    return;
  }
  status_ = status;
  keep_alive_ = keep_alive_ && !core_->draining();
  framing_ = status_forbids_body(status) ? framing::none
             : http_1_0_                 ? framing::until_close
                                         : framing::chunked;
  send_body_ = !head_ && framing_ != framing::none;
  // HTTP/1.0 has no chunked coding: the body ends when the connection does.
  if (send_body_ && framing_ == framing::until_close) keep_alive_ = false;
  phase_ = phase::streaming;
  send(format_head(status, headers, {framing_, 0, keep_alive_, http_1_0_}));
}

bool connection::stream_write(std::uint64_t seq, std::string chunk,
                              const std::shared_ptr<std::atomic<std::size_t>>& pending) {
  if (seq != seq_ || phase_ != phase::streaming || !send_body_) return false;
  const std::size_t size = chunk.size();
  if (framing_ == framing::chunked)
    send(chunk_prefix(size), std::move(chunk), std::string(chunk_suffix), false, size, pending);
  else
    send(std::move(chunk), {}, {}, false, size, pending);
  return true;
}

void connection::stream_end(std::uint64_t seq) {
  if (seq != seq_ || phase_ != phase::streaming) return;
  phase_ = phase::writing;
  // An empty write still completes in order, after the chunks before it.
  send(send_body_ && framing_ == framing::chunked ? std::string(last_chunk) : std::string(), {}, {},
       true);
  arm_write_timer();
}

void connection::stream_abort(std::uint64_t seq) {
  if (seq != seq_ || phase_ != phase::streaming) return;
  log::warn("http", "streamed response abandoned by its handler; closing",
            {{"handler", handler_name_}, {"remote", socket_.remote()}});
  close();
}

void connection::send(std::string a, std::string b, std::string c, bool last, std::size_t accounted,
                      std::shared_ptr<std::atomic<std::size_t>> pending) {
  auto op = std::make_unique<write_op>();
  op->parts = {std::move(a), std::move(b), std::move(c)};
  op->last = last;
  op->accounted = accounted;
  op->pending = std::move(pending);
  std::array<uv_buf_t, 3> bufs{};
  unsigned count = 0;
  for (auto& part : op->parts)
    if (!part.empty() || count == 0)
      bufs[count++] = uv_buf_init(part.data(), static_cast<unsigned>(part.size()));
  op->req.data = op.get();
  if (int rc = uv_write(&op->req, socket_.stream(), bufs.data(), count, &connection::on_write);
      rc != 0) {
    on_written(rc, *op);
    return;
  }
  op.release();  // owned by libuv until on_write
}

void connection::on_write(uv_write_t* req, int status) {
  std::unique_ptr<write_op> op(static_cast<write_op*>(req->data));
  static_cast<connection*>(req->handle->data)->on_written(status, *op);
}

void connection::on_written(int status, write_op& op) {
  if (op.pending) *op.pending -= op.accounted;
  if (phase_ == phase::closed) return;
  if (status < 0) {
    log::debug("http", "write failed",
               {{"remote", socket_.remote()}, {"error", uv_strerror(status)}});
    close();
    return;
  }
  if (!op.last) return;
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started_;
  core_->observe(handler_name_, status_, took.count());
  finish_exchange();
}

void connection::finish_exchange() {
  if (!keep_alive_ || core_->draining()) {
    begin_linger();
    return;
  }
  wait_for_request();
  if (input_.empty()) return;
  // A pipelined request arrived while we were busy: its clock starts now.
  begin_reading();
  const std::string buffered = std::move(input_);
  input_.clear();
  consume(buffered);
}

void connection::begin_linger() {
  phase_ = phase::lingering;
  input_.clear();
  arm_timer(core_->options().linger_timeout);
  const bool ok = socket_.shutdown([](uv_stream_t* stream, int status) {
    if (status < 0) static_cast<connection*>(stream->data)->close();
  });
  if (!ok) {
    close();
    return;
  }
  // Keep reading (and discarding) until the client closes too, so unread
  // request bytes do not turn our close into a reset that destroys the
  // response before the client has read it.
  set_reading(true);
}

}  // namespace vigil::http::detail
