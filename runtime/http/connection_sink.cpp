#include "runtime/http/connection_sink.hpp"

#include "runtime/http/connection.hpp"

namespace vigil::http::detail {

connection_sink::connection_sink(loop_executor executor, std::weak_ptr<connection> conn,
                                 std::uint64_t seq)
    : executor_(std::move(executor)),
      conn_(std::move(conn)),
      seq_(seq),
      pending_(std::make_shared<std::atomic<std::size_t>>(0)) {}

bool connection_sink::apply(std::function<void(connection&)> fn) {
  return executor_.post([conn = conn_, fn = std::move(fn)] {
    if (auto c = conn.lock()) fn(*c);
  });
}

void connection_sink::send(response r) {
  apply([seq = seq_, r = std::move(r)](connection& c) mutable { c.complete(seq, std::move(r)); });
}

void connection_sink::begin(int status, header_list headers) {
  apply([seq = seq_, status, headers = std::move(headers)](connection& c) mutable {
    c.stream_begin(seq, status, std::move(headers));
  });
}

void connection_sink::write(std::string chunk) {
  const std::size_t size = chunk.size();
  *pending_ += size;
  // Settle the count here unless the connection takes the chunk: it may be
  // gone by the time the post runs, or the post may be refused.
  const bool posted = executor_.post(
      [conn = conn_, seq = seq_, chunk = std::move(chunk), pending = pending_, size]() mutable {
        auto c = conn.lock();
        if (!c || !c->stream_write(seq, std::move(chunk), pending)) *pending -= size;
      });
  if (!posted) *pending_ -= size;
}

void connection_sink::end() {
  apply([seq = seq_](connection& c) { c.stream_end(seq); });
}

void connection_sink::abort() {
  apply([seq = seq_](connection& c) { c.stream_abort(seq); });
}

bool connection_sink::open() const {
  return !conn_.expired();
}

std::size_t connection_sink::pending_bytes() const {
  return pending_->load();
}

}  // namespace vigil::http::detail
