#include "runtime/http/client.hpp"

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <new>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

#include "storage/base/log.hpp"

// Threading: everything below `impl`'s "loop thread only" line is touched on
// the loop thread alone (or before start(), when the caller owns the loop).
// Other threads only read the executor and the atomics. libuv and libcurl
// call back with raw pointers (handle->data, CURLOPT_PRIVATE, socketp); they
// stay valid because `shutdown` unhooks curl and closes every handle before
// the impl can go away, and poll contexts and the timer are separate heap
// objects freed in their own uv_close callbacks.

namespace vigil::http {

namespace {

using steady = std::chrono::steady_clock;

constexpr const char* component = "http_client";

// curl_global_init is not safe to race with other curl calls; a function
// local static runs it exactly once, before the first client uses curl.
CURLcode global_init() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  return rc;
}

std::string get_prefix(const std::string& url) {
  return "Get \"" + url + "\": ";
}

error aborted(const std::string& url) {
  return error{errc::unavailable, get_prefix(url) + "aborted"};
}

errc code_of(CURLcode code) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return errc::invalid_argument;
    case CURLE_OUT_OF_MEMORY:
      return errc::internal;
    default:
      return errc::io_error;
  }
}

// The user's callback must not unwind into libuv or libcurl (C frames).
void run_done(const std::function<void(fetch_result)>& done, fetch_result result) {
  if (!done) return;
  try {
    done(std::move(result));
  } catch (const std::exception& e) {
    log::error(component, "exception escaped a fetch callback", {{"what", e.what()}});
  } catch (...) {
    log::error(component, "exception escaped a fetch callback");
  }
}

/// One request between curl_multi_add_handle and its completion.
struct transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string url;
  uint64_t max_body_bytes = 0;
  bool over_limit = false;
  bool out_of_memory = false;
  std::string body;
  char error_text[CURL_ERROR_SIZE] = {};
  steady::time_point started;
  std::function<void(fetch_result)> done;

  transfer() = default;
  transfer(const transfer&) = delete;
  transfer& operator=(const transfer&) = delete;
  ~transfer() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
  }
};

// Called with decoded bytes (CURLOPT_ACCEPT_ENCODING), so the limit is on
// what the caller gets. Returning less than offered aborts the transfer
// with CURLE_WRITE_ERROR; the flags say why.
size_t on_write(char* data, size_t size, size_t count, void* userp) {
  auto* t = static_cast<transfer*>(userp);
  const size_t bytes = size * count;
  if (t->max_body_bytes != 0 && t->body.size() + bytes > t->max_body_bytes) {
    t->over_limit = true;
    return 0;
  }
  try {
    t->body.append(data, bytes);
  } catch (const std::bad_alloc&) {
    t->out_of_memory = true;
    return 0;
  }
  return bytes;
}

}  // namespace

struct client::impl : std::enable_shared_from_this<impl> {
  /// One uv_poll_t per socket curl asks us to watch; freed in its uv_close
  /// callback only.
  struct poll_context {
    uv_poll_t handle{};
    impl* owner = nullptr;
    curl_socket_t fd = CURL_SOCKET_BAD;
  };

  explicit impl(event_loop& l) : loop(l), executor(l.executor()) {}

  event_loop& loop;
  const loop_executor executor;
  std::atomic<size_t> in_flight{0};
  /// Set once shut down or never opened (loop stopped): fetches abort.
  std::atomic<bool> closed{false};

  // Loop thread only.
  CURLM* multi = nullptr;
  uv_timer_t* timer = nullptr;
  std::optional<error> broken;  // why open() failed, reported by every fetch
  event_loop::closer_id closer = 0;
  std::unordered_map<CURL*, std::unique_ptr<transfer>> transfers;
  std::unordered_set<poll_context*> polls;

  void finish(std::function<void(fetch_result)> done, fetch_result result) {
    in_flight.fetch_sub(1);
    run_done(done, std::move(result));
  }

  void fail(const std::function<void(fetch_result)>& done, error e) {
    fetch_result r;
    r.failure = std::move(e);
    finish(done, std::move(r));
  }

  void open() {
    if (const CURLcode rc = global_init(); rc != CURLE_OK) {
      broken =
          error{errc::internal, std::string("initialising libcurl: ") + curl_easy_strerror(rc)};
      return;
    }
    multi = curl_multi_init();
    if (multi == nullptr) {
      broken = error{errc::internal, "curl_multi_init failed"};
      return;
    }
    auto owned_timer = std::make_unique<uv_timer_t>();
    if (const int rc = uv_timer_init(loop.native(), owned_timer.get()); rc != 0) {
      broken = error{errc::io_error, std::string("uv_timer_init: ") + uv_strerror(rc)};
      curl_multi_cleanup(std::exchange(multi, nullptr));
      return;
    }
    timer = owned_timer.release();
    timer->data = this;
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &impl::on_curl_socket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &impl::on_curl_timer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
    closer = loop.add_closer([self = shared_from_this()] { self->shutdown(); });
  }

  // Aborts every transfer and closes every handle. Idempotent.
  void shutdown() {
    if (closed.exchange(true)) return;
    if (multi != nullptr) {
      // From here curl never hands us a poll context again, so closing them
      // all now cannot race with a callback.
      curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, nullptr);
      curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, nullptr);
    }
    for (auto* ctx : polls) close_poll(ctx);
    polls.clear();
    if (timer != nullptr) {
      uv_close(reinterpret_cast<uv_handle_t*>(std::exchange(timer, nullptr)),
               [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
    }
    auto pending = std::move(transfers);
    transfers.clear();
    for (auto& [easy, t] : pending) curl_multi_remove_handle(multi, easy);
    if (multi != nullptr) curl_multi_cleanup(std::exchange(multi, nullptr));
    // Callbacks last: they may fetch again, which now aborts at once.
    for (auto& [easy, t] : pending) {
      auto done = std::move(t->done);
      const auto url = t->url;
      t.reset();
      fail(done, aborted(url));
    }
  }

  void start(fetch_request req, std::function<void(fetch_result)> done) {
    if (closed) return fail(done, aborted(req.url));
    if (broken) return fail(done, error{broken->code, get_prefix(req.url) + broken->message});
    auto t = std::make_unique<transfer>();
    t->url = std::move(req.url);
    t->max_body_bytes = req.max_body_bytes;
    t->done = std::move(done);
    t->easy = curl_easy_init();
    if (t->easy == nullptr)
      return fail(t->done, error{errc::internal, get_prefix(t->url) + "curl_easy_init failed"});
    if (auto e = configure(*t, req)) return fail(t->done, std::move(*e));
    t->started = steady::now();
    if (const CURLMcode mc = curl_multi_add_handle(multi, t->easy); mc != CURLM_OK)
      return fail(t->done, error{errc::internal, get_prefix(t->url) + curl_multi_strerror(mc)});
    CURL* easy = t->easy;
    transfers.emplace(easy, std::move(t));
  }

  std::optional<error> configure(transfer& t, const fetch_request& req) {
    for (const auto& [name, value] : req.headers) {
      // "Name:" would remove a header curl adds itself; "Name;" sends it empty.
      const std::string line = value.empty() ? name + ";" : name + ": " + value;
      curl_slist* next = curl_slist_append(t.headers, line.c_str());
      if (next == nullptr) return error{errc::internal, get_prefix(t.url) + "out of memory"};
      t.headers = next;
    }
    CURL* e = t.easy;
    const long timeout_ms = req.timeout.count() > 0 ? static_cast<long>(req.timeout.count()) : 0;
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error_text);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    if (t.headers != nullptr) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
    if (!req.username.empty()) {
      curl_easy_setopt(e, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
      curl_easy_setopt(e, CURLOPT_USERNAME, req.username.c_str());
      curl_easy_setopt(e, CURLOPT_PASSWORD, req.password.c_str());
    }
    // Last, so its error (a malformed URL) is the one reported.
    if (const CURLcode rc = curl_easy_setopt(e, CURLOPT_URL, t.url.c_str()); rc != CURLE_OK)
      return error{code_of(rc), get_prefix(t.url) + curl_easy_strerror(rc)};
    return std::nullopt;
  }

  // Reports every finished transfer. Callbacks run after the loop over
  // curl's messages, since one may destroy the client (and the multi).
  void check_multi_info() {
    std::vector<std::pair<std::function<void(fetch_result)>, fetch_result>> finished;
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      auto it = transfers.find(msg->easy_handle);
      if (it == transfers.end()) continue;
      auto t = std::move(it->second);
      transfers.erase(it);
      const CURLcode code = msg->data.result;  // msg is invalid after remove_handle
      curl_multi_remove_handle(multi, t->easy);
      auto result = result_of(*t, code);
      finished.emplace_back(std::move(t->done), std::move(result));
    }
    if (finished.empty()) return;
    auto keep_alive = shared_from_this();
    for (auto& [done, result] : finished) finish(std::move(done), std::move(result));
  }

  static fetch_result result_of(transfer& t, CURLcode code) {
    fetch_result r;
    r.elapsed = std::chrono::duration_cast<duration>(steady::now() - t.started);
    if (t.over_limit) {
      r.failure =
          error{errc::limit_exceeded,
                "body size limit of " + std::to_string(t.max_body_bytes) + " bytes exceeded"};
    } else if (t.out_of_memory) {
      r.failure = error{errc::internal, get_prefix(t.url) + "out of memory for the body"};
    } else if (code != CURLE_OK) {
      std::string text = t.error_text[0] != '\0' ? t.error_text : curl_easy_strerror(code);
      // curl says "Couldn't connect to server" for refusals and unreachable
      // hosts alike; the system's reason tells them apart.
      long os_errno = 0;
      curl_easy_getinfo(t.easy, CURLINFO_OS_ERRNO, &os_errno);
      if (code == CURLE_COULDNT_CONNECT && os_errno != 0)
        text += " (" + std::generic_category().message(static_cast<int>(os_errno)) + ")";
      r.failure = error{code_of(code), get_prefix(t.url) + text};
    } else {
      long status = 0;
      curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
      r.status = static_cast<int>(status);
      char* content_type = nullptr;
      curl_easy_getinfo(t.easy, CURLINFO_CONTENT_TYPE, &content_type);
      if (content_type != nullptr) r.content_type = content_type;
      r.body = std::move(t.body);
    }
    return r;
  }

  void close_poll(poll_context* ctx) {
    uv_close(reinterpret_cast<uv_handle_t*>(&ctx->handle),
             [](uv_handle_t* h) { delete static_cast<poll_context*>(h->data); });
  }

  void socket_action(curl_socket_t fd, int flags) {
    int running = 0;
    if (const CURLMcode mc = curl_multi_socket_action(multi, fd, flags, &running); mc != CURLM_OK)
      log::error(component, "curl_multi_socket_action failed",
                 {{"error", curl_multi_strerror(mc)}});
    check_multi_info();
  }

  static int on_curl_socket(CURL*, curl_socket_t fd, int what, void* userp, void* socketp) {
    auto* self = static_cast<impl*>(userp);
    auto* ctx = static_cast<poll_context*>(socketp);
    if (what == CURL_POLL_REMOVE) {
      if (ctx != nullptr) {
        curl_multi_assign(self->multi, fd, nullptr);
        self->polls.erase(ctx);
        self->close_poll(ctx);
      }
      return 0;
    }
    if (ctx == nullptr) {
      auto fresh = std::make_unique<poll_context>();
      if (const int rc = uv_poll_init_socket(self->loop.native(), &fresh->handle, fd); rc != 0) {
        log::error(component, "uv_poll_init_socket failed", {{"error", uv_strerror(rc)}});
        return -1;  // curl aborts the transfers with CURLM_ABORTED_BY_CALLBACK
      }
      ctx = fresh.release();
      ctx->handle.data = ctx;
      ctx->owner = self;
      ctx->fd = fd;
      self->polls.insert(ctx);
      curl_multi_assign(self->multi, fd, ctx);
    }
    int events = 0;
    if ((what & CURL_POLL_IN) != 0) events |= UV_READABLE;
    if ((what & CURL_POLL_OUT) != 0) events |= UV_WRITABLE;
    if (const int rc = uv_poll_start(&ctx->handle, events, &impl::on_poll); rc != 0) {
      log::error(component, "uv_poll_start failed", {{"error", uv_strerror(rc)}});
      return -1;
    }
    return 0;
  }

  static int on_curl_timer(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<impl*>(userp);
    // Never call curl_multi_socket_action from here (curl forbids the
    // recursion); a zero timeout fires on the next loop iteration.
    if (timeout_ms < 0) {
      uv_timer_stop(self->timer);
    } else {
      uv_timer_start(
          self->timer,
          [](uv_timer_t* h) { static_cast<impl*>(h->data)->socket_action(CURL_SOCKET_TIMEOUT, 0); },
          static_cast<uint64_t>(timeout_ms), 0);
    }
    return 0;
  }

  static void on_poll(uv_poll_t* handle, int status, int events) {
    auto* ctx = static_cast<poll_context*>(handle->data);
    int flags = 0;
    if (status < 0) {
      flags = CURL_CSELECT_ERR;
    } else {
      if ((events & UV_READABLE) != 0) flags |= CURL_CSELECT_IN;
      if ((events & UV_WRITABLE) != 0) flags |= CURL_CSELECT_OUT;
    }
    // The call may close ctx, but its memory lives until the close callback.
    ctx->owner->socket_action(ctx->fd, flags);
  }
};

client::client(event_loop& loop) : impl_(std::make_shared<impl>(loop)) {
  if (!loop.dispatch([self = impl_] { self->open(); })) impl_->closed = true;
}

client::~client() {
  // Normally the loop's closer already shut everything down. Otherwise do it
  // now (waiting for the loop thread) so no callback outlives the client.
  if (impl_->closed) return;
  impl_->loop.run_in_loop([self = impl_] {
    self->shutdown();
    if (self->closer != 0) self->loop.remove_closer(std::exchange(self->closer, 0));
  });
}

void client::fetch(fetch_request req, std::function<void(fetch_result)> done) {
  impl_->in_flight.fetch_add(1);
  // A refused post destroys its function; keep the request outside it so
  // `done` can still run here.
  struct job {
    fetch_request req;
    std::function<void(fetch_result)> done;
  };
  auto j = std::make_shared<job>(job{std::move(req), std::move(done)});
  const bool posted = impl_->executor.post(
      [self = impl_, j] { self->start(std::move(j->req), std::move(j->done)); });
  if (!posted) impl_->fail(j->done, aborted(j->req.url));
}

size_t client::in_flight() const {
  return impl_->in_flight.load();
}

}  // namespace vigil::http
