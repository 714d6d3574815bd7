#include "runtime/http/event_loop.hpp"

#include <signal.h>

#include <exception>
#include <future>
#include <string>

#include "storage/base/log.hpp"

namespace vigil::http {

namespace detail {

/// The part of an event_loop that posters share, so that a poster can
/// outlive the loop. `async` is null once the loop began closing handles.
struct post_queue {
  std::mutex mutex;
  std::vector<std::function<void()>> items;
  uv_async_t* async = nullptr;
  bool accepting = true;
  bool stop_requested = false;
};

}  // namespace detail

namespace {

// A posted function or a callback that throws must not take the loop
// thread (and with it every socket) down.
void run_guarded(const std::function<void()>& fn, const char* what) {
  try {
    fn();
  } catch (const std::exception& e) {
    log::error("event_loop", "exception escaped a loop function",
               {{"in", what}, {"what", e.what()}});
  } catch (...) {
    log::error("event_loop", "exception escaped a loop function", {{"in", what}});
  }
}

void ignore_sigpipe_if_default() {
  struct sigaction current {};
  if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, nullptr);
  }
}

}  // namespace

bool loop_executor::post(std::function<void()> fn) const {
  if (!queue_ || !fn) return false;
  {
    std::lock_guard lock(queue_->mutex);
    if (queue_->accepting) {
      queue_->items.push_back(std::move(fn));
      if (queue_->async != nullptr) uv_async_send(queue_->async);
      return true;
    }
  }
  // Refused: destroy the function outside the lock, since its captures
  // (e.g. a responder) may post again from their destructors.
  fn = nullptr;
  return false;
}

struct event_loop::signal_entry {
  uv_signal_t handle{};
  std::function<void()> fn;
};

event_loop::event_loop() : queue_(std::make_shared<detail::post_queue>()) {
  init_status_ = uv_loop_init(&loop_);
  if (init_status_ == 0) init_status_ = uv_async_init(&loop_, &async_, &event_loop::on_async);
  if (init_status_ == 0) {
    async_.data = this;
    queue_->async = &async_;
  } else {
    queue_->accepting = false;
  }
}

event_loop::~event_loop() {
  stop();
}

std::optional<error> event_loop::start() {
  std::lock_guard lock(lifecycle_mutex_);
  if (init_status_ != 0)
    return error{errc::io_error, std::string("initialising libuv: ") + uv_strerror(init_status_)};
  if (state_ != state::created)
    return error{errc::invalid_argument, "event_loop::start called twice"};
  ignore_sigpipe_if_default();
  state_ = state::running;
  try {
    thread_ = std::thread([this] {
      loop_thread_ = std::this_thread::get_id();
      uv_run(&loop_, UV_RUN_DEFAULT);
      // Thread ids are reused once this thread is gone.
      loop_thread_ = std::thread::id{};
    });
  } catch (const std::system_error& e) {
    state_ = state::created;
    return error{errc::unavailable, std::string("starting the event loop thread: ") + e.what()};
  }
  return std::nullopt;
}

void event_loop::stop() {
  if (in_loop_thread()) {
    request_stop();
    return;
  }
  std::lock_guard lock(lifecycle_mutex_);
  const state s = state_;
  if (s == state::stopped) return;
  if (init_status_ != 0) {
    state_ = state::stopped;
    return;
  }
  request_stop();
  if (s == state::running) {
    thread_.join();
  } else {
    // Never started: handles may still have been opened (listen before
    // start), so run the same sequence here until they are all closed.
    loop_thread_ = std::this_thread::get_id();
    uv_run(&loop_, UV_RUN_DEFAULT);
    loop_thread_ = std::thread::id{};
  }
  if (int rc = uv_loop_close(&loop_); rc != 0)
    log::error("event_loop", "closing the loop failed", {{"error", uv_strerror(rc)}});
  state_ = state::stopped;
}

bool event_loop::run_in_loop(const std::function<void()>& fn) {
  if (init_status_ != 0 || state_ == state::stopped) return false;
  if (in_loop_thread() || state_ == state::created) {
    fn();
    return true;
  }
  std::promise<void> done;
  auto finished = done.get_future();
  const bool posted = post([&fn, &done] {
    run_guarded(fn, "run_in_loop");
    done.set_value();
  });
  if (!posted) return false;
  try {
    finished.get();
    return true;
  } catch (const std::future_error&) {
    return false;
  }
}

bool event_loop::dispatch(std::function<void()> fn) {
  if (init_status_ != 0 || state_ == state::stopped) return false;
  if (in_loop_thread() || state_ == state::created) {
    fn();
    return true;
  }
  return post(std::move(fn));
}

bool event_loop::in_loop_thread() const {
  return loop_thread_.load() == std::this_thread::get_id();
}

bool event_loop::owns_loop() const {
  return init_status_ == 0 && (in_loop_thread() || state_ == state::created);
}

std::optional<error> event_loop::on_signal(int signum, std::function<void()> fn) {
  if (!owns_loop())
    return error{errc::invalid_argument,
                 "event_loop::on_signal must be called before start() or on the loop thread"};
  auto entry = std::make_unique<signal_entry>();
  entry->fn = std::move(fn);
  if (int rc = uv_signal_init(&loop_, &entry->handle); rc != 0)
    return error{errc::io_error, std::string("uv_signal_init: ") + uv_strerror(rc)};
  entry->handle.data = entry.get();
  auto* raw = entry.get();
  // Keep the entry even on failure: the handle must outlive its close.
  signals_.push_back(std::move(entry));
  const int rc = uv_signal_start(
      &raw->handle,
      [](uv_signal_t* h, int) {
        run_guarded(static_cast<signal_entry*>(h->data)->fn, "signal handler");
      },
      signum);
  if (rc != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&raw->handle), nullptr);
    return error{errc::invalid_argument,
                 "handling signal " + std::to_string(signum) + ": " + uv_strerror(rc)};
  }
  return std::nullopt;
}

event_loop::closer_id event_loop::add_closer(std::function<void()> close_fn) {
  const closer_id id = next_closer_++;
  closers_.emplace(id, std::move(close_fn));
  return id;
}

void event_loop::remove_closer(closer_id id) {
  closers_.erase(id);
}

void event_loop::on_async(uv_async_t* handle) {
  auto* self = static_cast<event_loop*>(handle->data);
  self->drain_queue();
}

void event_loop::drain_queue() {
  std::vector<std::function<void()>> items;
  bool stop_requested = false;
  {
    std::lock_guard lock(queue_->mutex);
    items.swap(queue_->items);
    stop_requested = queue_->stop_requested;
  }
  for (auto& fn : items) run_guarded(fn, "posted function");
  items.clear();
  // Posts are refused once stop is requested, so the queue is empty here.
  if (stop_requested && !stop_sequence_done_) run_stop_sequence();
}

void event_loop::request_stop() {
  std::lock_guard lock(queue_->mutex);
  queue_->accepting = false;
  queue_->stop_requested = true;
  if (queue_->async != nullptr) uv_async_send(queue_->async);
}

void event_loop::run_stop_sequence() {
  stop_sequence_done_ = true;
  auto closers = std::move(closers_);
  closers_.clear();
  for (auto& [id, fn] : closers) run_guarded(fn, "closer");
  {
    std::lock_guard lock(queue_->mutex);
    queue_->async = nullptr;
  }
  // Whatever nobody closed (signals, the async handle, foreign handles)
  // is closed without a callback; uv_run then returns once all are gone.
  uv_walk(
      &loop_,
      [](uv_handle_t* h, void*) {
        if (!uv_is_closing(h)) uv_close(h, nullptr);
      },
      nullptr);
}

}  // namespace vigil::http
