#include "runtime/http/drain.hpp"

#include <exception>
#include <future>
#include <memory>

#include "storage/base/log.hpp"

namespace vigil::http {

struct drain_tracker::deadline {
  uv_timer_t timer{};
  std::function<void()> expire;
};

void drain_tracker::wait(std::function<void()> done) {
  if (done) waiters_.push_back(std::move(done));
}

void drain_tracker::arm(uv_loop_t* loop, std::chrono::milliseconds after,
                        std::function<void()> expire) {
  if (timer_ != nullptr) return;
  timer_ = new deadline{{}, std::move(expire)};
  uv_timer_init(loop, &timer_->timer);
  timer_->timer.data = timer_;
  uv_timer_start(
      &timer_->timer, [](uv_timer_t* t) { static_cast<deadline*>(t->data)->expire(); },
      static_cast<std::uint64_t>(after.count()), 0);
}

void drain_tracker::cancel() {
  if (timer_ == nullptr) return;
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_->timer),
           [](uv_handle_t* h) { delete static_cast<deadline*>(h->data); });
  timer_ = nullptr;
}

void drain_tracker::finish() {
  if (waiters_.empty()) return;
  cancel();
  auto waiters = std::move(waiters_);
  waiters_.clear();
  for (auto& fn : waiters) {
    try {
      fn();
    } catch (const std::exception& e) {
      log::error("http", "drain callback threw", {{"what", e.what()}});
    }
  }
}

void dispatch_drain(event_loop& loop, std::function<void(std::function<void()>)> start,
                    std::function<void()> done) {
  // The posted function may be refused after it took `done`: share it so
  // that it still runs exactly once.
  auto shared_done = std::make_shared<std::function<void()>>(std::move(done));
  auto once = [shared_done] {
    if (*shared_done) std::exchange(*shared_done, nullptr)();
  };
  if (!loop.dispatch([start = std::move(start), once] { start(once); })) once();
}

void await_drain(event_loop& loop, std::function<void(std::function<void()>)> start) {
  if (loop.in_loop_thread()) {
    dispatch_drain(loop, std::move(start), nullptr);
    return;
  }
  auto finished = std::make_shared<std::promise<void>>();
  auto done = finished->get_future();
  dispatch_drain(loop, std::move(start), [finished] { finished->set_value(); });
  done.wait();
}

}  // namespace vigil::http
