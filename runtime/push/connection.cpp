#include "runtime/push/connection.hpp"

#include "runtime/http/tcp.hpp"
#include "runtime/push/server_core.hpp"
#include "runtime/wire/push_decoder.hpp"
#include "runtime/wire/push_encoder.hpp"
#include "storage/base/log.hpp"

namespace vigil::push::detail {
namespace {

namespace proto = wire::push;

/// One uv_write of answers coalesced since the last one.
struct send_op {
  uv_write_t req{};
  std::string bytes;
};

}  // namespace

connection::connection(std::shared_ptr<server_core> core, uint64_t id)
    : core_(std::move(core)),
      id_(id),
      framer_(core_->options().max_message_bytes),
      cache_(core_->options().cached_series) {}

bool connection::start(uv_stream_t* listener, bool refuse) {
  switch (socket_.open(core_->loop(), listener, this, &connection::on_close, "push")) {
    case http::served_socket::opened::nothing:
      return false;
    case http::served_socket::opened::closing:
      phase_ = phase::closed;
      return true;
    case http::served_socket::opened::open:
      break;
  }
  if (refuse) {
    refused_ = true;
    queue_error({std::nullopt, proto::code::overloaded,
                 "too many connections (at most " +
                     std::to_string(core_->options().max_connections) + "); retry later"},
                true);
    settle();
    return true;
  }
  log::debug("push", "connection opened", {{"remote", socket_.remote()}});
  arm_timer();
  set_reading(true);
  return true;
}

void connection::close() {
  if (phase_ == phase::closed) return;
  phase_ = phase::closed;
  // The object is freed after both close callbacks.
  socket_.close();
  log::debug("push", "connection closed", {{"remote", socket_.remote()}, {"client", client_}});
}

void connection::drain() {
  if (phase_ == phase::handshake) {
    close();
    return;
  }
  if (phase_ != phase::open) return;
  // After every answer to what was read: the client learns why the
  // connection ends, and that writes it sent since got no answer.
  queue_error({std::nullopt, proto::code::overloaded,
               "the node is shutting down; resend unanswered writes"},
              true);
  settle();
}

void connection::on_close(uv_handle_t* handle) {
  auto* self = static_cast<connection*>(handle->data);
  if (!self->socket_.release()) return;
  // forget() may destroy *self (and then the core): keep the core alive.
  auto core = self->core_;
  core->forget(self->id_);
}

void connection::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  static_cast<connection*>(stream->data)->handle_read(nread, buf);
}

void connection::handle_read(ssize_t nread, const uv_buf_t* buf) {
  if (nread == 0 || phase_ == phase::closed) return;
  if (nread < 0) {
    eof_ = true;
    set_reading(false);
    // A client that closed its sending side still gets the answers to
    // what it sent; a reset, or EOF before a hello, leaves nobody to answer.
    if (nread != UV_EOF || phase_ == phase::handshake || phase_ == phase::lingering) {
      close();
      return;
    }
    pump();
    return;
  }
  if (phase_ == phase::lingering) return;  // discarded
  arm_timer();
  framer_.feed({buf->base, static_cast<std::size_t>(nread)});
  pump();
}

void connection::pump() {
  const auto& o = core_->options();
  bool exhausted = false;
  for (;;) {
    release_answers();  // a slot answered frees room for the next message
    if ((phase_ != phase::handshake && phase_ != phase::open) ||
        answers_.size() >= o.max_inflight || out_.size() + sending_ > o.max_pending_output)
      break;
    auto frame = framer_.next();
    if (!frame) {
      exhausted = true;
      if (const auto& failure = framer_.failure()) queue_error(failure->reply, true);
      break;
    }
    handle(*frame);
  }
  if (exhausted && eof_ && phase_ == phase::open) {
    if (const auto partial = framer_.partial_bytes(); partial > 0)
      queue_error({std::nullopt, proto::code::bad_message,
                   "the stream ended inside a message (" + std::to_string(partial) + " bytes)"},
                  true);
    else
      begin_closing();
  }
  settle();
}

void connection::handle(std::string_view frame) {
  auto& stats = core_->stats();
  if (phase_ == phase::handshake) {
    auto message = proto::read_client_message(frame);
    if (auto* hello = std::get_if<proto::hello_msg>(&message)) {
      stats.hellos.inc();
      welcome(*hello);
      return;
    }
    stats.invalid.inc();
    if (auto* r = std::get_if<proto::rejection>(&message))
      queue_error(r->reply, true);
    else
      queue_error({std::nullopt, proto::code::bad_message, "the first message must be a hello"},
                  true);
    return;
  }
  auto message = proto::read_client_message(frame, cache_);
  if (auto* write = std::get_if<proto::write_msg>(&message)) {
    stats.writes.inc();
    start_write(std::move(*write), frame);
  } else if (auto* ping = std::get_if<proto::ping_msg>(&message)) {
    stats.pings.inc();
    proto::encode(proto::pong_msg{ping->seq}, out_);
  } else if (auto* r = std::get_if<proto::rejection>(&message)) {
    stats.invalid.inc();
    queue_error(r->reply, r->fatal);
  } else {
    stats.invalid.inc();
    queue_error({std::nullopt, proto::code::bad_message, "hello: the handshake is already done"},
                false);
  }
}

void connection::welcome(const proto::hello_msg& hello) {
  client_ = hello.client;
  if (auto refusal = core_->authorize()(hello.token)) {
    queue_error({std::nullopt, proto::code::unauthorized, *refusal}, true);
    return;
  }
  phase_ = phase::open;
  const auto& o = core_->options();
  proto::encode(
      proto::welcome_msg{proto::protocol_version, o.node, o.max_message_bytes, o.max_inflight},
      out_);
  log::debug("push", "client connected", {{"remote", socket_.remote()}, {"client", client_}});
  arm_timer();
}

void connection::start_write(proto::write_msg write, std::string_view frame) {
  auto job = std::make_unique<write_job>(std::move(write), frame);
  auto batch = job->take_batch();
  auto& stats = core_->stats();
  stats.by_ref.inc(static_cast<double>(job->by_ref()));
  stats.by_labels.inc(static_cast<double>(batch.size() - job->by_ref()));
  const uint64_t slot = first_slot_ + answers_.size();
  answers_.push_back({std::move(job), {}, false});
  if (batch.empty()) {
    finish(answers_.back());
    return;
  }
  submit(slot, std::move(batch));
}

void connection::submit(uint64_t slot, std::vector<series_write> batch) {
  ++in_storage_;
  core_->sink()(std::move(batch), [executor = core_->executor(), self = weak_from_this(),
                                   slot](expected<actors::write_ack> ack) {
    executor.post([self, slot, ack = std::move(ack)]() mutable {
      if (auto c = self.lock()) c->answered(slot, std::move(ack));
    });
  });
}

void connection::answered(uint64_t slot, expected<actors::write_ack> ack) {
  --in_storage_;
  if (phase_ == phase::closed || slot < first_slot_) return;
  auto& s = answers_[slot - first_slot_];
  auto again = s.job->answered(std::move(ack), cache_);
  if (!again.empty()) {
    core_->stats().resent.inc(static_cast<double>(again.size()));
    submit(slot, std::move(again));
    return;
  }
  finish(s);
  pump();
}

void connection::finish(answer_slot& slot) {
  auto answer = slot.job->answer();
  if (auto* ack = std::get_if<proto::ack_msg>(&answer)) {
    core_->stats().samples.inc(static_cast<double>(ack->accepted));
    proto::encode(*ack, slot.bytes);
  } else {
    const auto& e = std::get<proto::error_msg>(answer);
    core_->stats().errors.with({std::string(proto::to_string(e.reason))}).inc();
    proto::encode(e, slot.bytes);
  }
  slot.job.reset();
  slot.ready = true;
}

void connection::queue_error(const proto::error_msg& e, bool fatal) {
  const std::string code{proto::to_string(e.reason)};
  core_->stats().errors.with({code}).inc();
  answer_slot slot;
  proto::encode(e, slot.bytes);
  slot.ready = true;
  answers_.push_back(std::move(slot));
  if (!fatal) return;
  log::info(
      "push", "closing connection",
      {{"remote", socket_.remote()}, {"client", client_}, {"code", code}, {"reason", e.message}});
  begin_closing();
}

void connection::begin_closing() {
  phase_ = phase::closing;
  set_reading(false);
}

void connection::release_answers() {
  while (!answers_.empty() && answers_.front().ready) {
    out_ += answers_.front().bytes;
    answers_.pop_front();
    ++first_slot_;
  }
}

void connection::settle() {
  release_answers();
  send_pending();
  if (phase_ == phase::closing && answers_.empty())
    begin_linger();
  else
    set_reading(wants_input());
}

bool connection::wants_input() const {
  if (eof_) return false;
  if (phase_ == phase::lingering) return true;
  const auto& o = core_->options();
  return (phase_ == phase::handshake || phase_ == phase::open) &&
         answers_.size() < o.max_inflight && out_.size() + sending_ <= o.max_pending_output;
}

void connection::send_pending() {
  if (out_.empty() || phase_ == phase::closed) return;
  auto op = std::make_unique<send_op>();
  op->bytes = std::move(out_);
  out_.clear();
  op->req.data = op.get();
  const std::size_t size = op->bytes.size();
  auto buf = uv_buf_init(op->bytes.data(), static_cast<unsigned>(size));
  sending_ += size;
  const int rc = uv_write(&op->req, socket_.stream(), &buf, 1, [](uv_write_t* req, int status) {
    std::unique_ptr<send_op> done(static_cast<send_op*>(req->data));
    static_cast<connection*>(req->handle->data)->on_sent(status, done->bytes.size());
  });
  if (rc != 0) {
    sending_ -= size;
    close();
    return;
  }
  op.release();  // owned by libuv until the callback
}

void connection::on_sent(int status, std::size_t bytes) {
  sending_ -= bytes;
  if (phase_ == phase::closed) return;
  if (status < 0) {
    log::debug("push", "send failed",
               {{"remote", socket_.remote()}, {"error", uv_strerror(status)}});
    close();
    return;
  }
  if (phase_ != phase::lingering) arm_timer();
  pump();
}

void connection::begin_linger() {
  phase_ = phase::lingering;
  arm_timer();
  // The shutdown waits for the queued writes; then the client sees EOF.
  const bool ok = socket_.shutdown([](uv_stream_t* stream, int status) {
    auto* self = static_cast<connection*>(stream->data);
    if (status < 0 || self->eof_) self->close();
  });
  if (!ok) {
    close();
    return;
  }
  // Unread input would turn our close into a reset that can destroy the
  // last answer before the client read it: read and discard until EOF.
  set_reading(!eof_);
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

void connection::arm_timer() {
  const auto& o = core_->options();
  const auto after = phase_ == phase::handshake   ? o.hello_timeout
                     : phase_ == phase::lingering ? o.linger_timeout
                                                  : o.idle_timeout;
  socket_.arm(after, &connection::on_timer);
}

void connection::on_timer(uv_timer_t* timer) {
  static_cast<connection*>(timer->data)->timed_out();
}

void connection::timed_out() {
  if (phase_ == phase::handshake) {
    queue_error(
        {std::nullopt, proto::code::bad_message,
         "no hello within " + std::to_string(core_->options().hello_timeout.count()) + " ms"},
        true);
    settle();
    return;
  }
  if ((phase_ == phase::open || phase_ == phase::closing) && in_storage_ > 0) {
    arm_timer();  // storage is slow, not the client
    return;
  }
  log::debug("push", "closing idle connection",
             {{"remote", socket_.remote()}, {"client", client_}});
  close();
}

}  // namespace vigil::push::detail
