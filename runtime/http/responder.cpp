#include "runtime/http/responder.hpp"

#include <exception>

#include "storage/base/log.hpp"

namespace vigil::http {

namespace {

response dropped_response() {
  return response::error(500, "internal", "handler dropped the request");
}

// Collects a response in memory and hands it to a function when complete.
class function_sink final : public detail::response_sink {
 public:
  explicit function_sink(std::function<void(response)> fn) : fn_(std::move(fn)) {}

  void send(response r) override { deliver(std::move(r)); }
  void begin(int status, header_list headers) override {
    collected_.status = status;
    collected_.headers = std::move(headers);
  }
  void write(std::string chunk) override { collected_.body += chunk; }
  void end() override { deliver(std::move(collected_)); }
  void abort() override { deliver(dropped_response()); }
  bool open() const override { return true; }
  std::size_t pending_bytes() const override { return 0; }

 private:
  void deliver(response r) {
    if (fn_) fn_(std::move(r));
  }

  std::function<void(response)> fn_;
  response collected_;
};

}  // namespace

responder::responder(std::shared_ptr<detail::response_sink> sink) : sink_(std::move(sink)) {
  if (!sink_) state_ = state::done;
}

responder responder::to_function(std::function<void(response)> on_complete) {
  return responder(std::make_shared<function_sink>(std::move(on_complete)));
}

responder::responder(responder&& other) noexcept
    : sink_(std::move(other.sink_)), state_(other.state_) {
  other.state_ = state::done;
}

responder& responder::operator=(responder&& other) noexcept {
  if (this != &other) {
    finish_dropped();
    sink_ = std::move(other.sink_);
    state_ = other.state_;
    other.state_ = state::done;
  }
  return *this;
}

responder::~responder() {
  finish_dropped();
}

void responder::finish_dropped() noexcept {
  if (!sink_ || state_ == state::done) return;
  const state was = state_;
  state_ = state::done;
  // Runs from destructors: whatever the sink throws (allocation failure)
  // must not escape.
  try {
    if (was == state::fresh)
      sink_->send(dropped_response());
    else
      sink_->abort();
  } catch (...) {
  }
  sink_.reset();
}

bool responder::expect(state wanted, const char* call) {
  if (sink_ && state_ == wanted) return true;
  if (sink_) log::warn("http", "responder call out of order ignored", {{"call", call}});
  return false;
}

void responder::send(response r) {
  if (!expect(state::fresh, "send")) return;
  state_ = state::done;
  sink_->send(std::move(r));
}

void responder::begin(int status, header_list headers) {
  if (!expect(state::fresh, "begin")) return;
  state_ = state::streaming;
  sink_->begin(status, std::move(headers));
}

void responder::write(std::string chunk) {
  if (!expect(state::streaming, "write")) return;
  if (!chunk.empty()) sink_->write(std::move(chunk));
}

void responder::end() {
  if (!expect(state::streaming, "end")) return;
  state_ = state::done;
  sink_->end();
}

bool responder::open() const {
  return sink_ && state_ != state::done && sink_->open();
}

std::size_t responder::pending_bytes() const {
  return sink_ ? sink_->pending_bytes() : 0;
}

}  // namespace vigil::http
