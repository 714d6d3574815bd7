#include "runtime/http/request_parser.hpp"

#include <http_parser.h>

#include <algorithm>
#include <climits>
#include <mutex>
#include <utility>

namespace vigil::http::detail {

namespace {

// Per header line we do not see ": " and CRLF in the callbacks; count them
// so the limit is close to the bytes on the wire.
constexpr std::uint64_t per_header_overhead = 4;

// http-parser has its own process-wide header limit (80 KiB by default),
// reported as HPE_HEADER_OVERFLOW. Raise it (never lower it: other parsers
// may rely on it) so that a configured limit above it is the one enforced.
void ensure_global_header_limit(std::uint64_t wanted) {
  static std::mutex mutex;
  static std::uint64_t current = HTTP_MAX_HEADER_SIZE;
  const std::uint64_t needed = std::min<std::uint64_t>(wanted + 4096, UINT32_MAX);
  std::lock_guard lock(mutex);
  if (needed <= current) return;
  http_parser_set_max_header_size(static_cast<std::uint32_t>(needed));
  current = needed;
}

// Splits the request-target into path and query. Origin-form ("/a?b") is
// the normal case; absolute-form ("http://h/a?b") goes through
// http_parser_parse_url, whose offsets are 16-bit. Returns 0 or the status
// to refuse the request with.
int split_target(request& r, bool is_connect, std::string& why) {
  std::string_view target = r.target;
  std::string_view raw_path;
  if (!target.empty() && target.front() == '/') {
    const auto end = target.find_first_of("?#");
    raw_path = target.substr(0, end);
    if (end != std::string_view::npos && target[end] == '?') {
      const auto query = target.substr(end + 1);
      r.query = std::string(query.substr(0, query.find('#')));
    }
  } else if (target == "*") {
    raw_path = target;
  } else {
    if (target.size() > UINT16_MAX) {
      why = "request target too long";
      return 414;
    }
    http_parser_url url;
    http_parser_url_init(&url);
    if (http_parser_parse_url(target.data(), target.size(), is_connect, &url) != 0) {
      why = "malformed request target";
      return 400;
    }
    raw_path = "/";
    if (url.field_set & (1 << UF_PATH))
      raw_path = target.substr(url.field_data[UF_PATH].off, url.field_data[UF_PATH].len);
    if (url.field_set & (1 << UF_QUERY))
      r.query =
          std::string(target.substr(url.field_data[UF_QUERY].off, url.field_data[UF_QUERY].len));
  }
  auto decoded = percent_decode(raw_path);
  if (!decoded) {
    why = "invalid percent-encoding in the request path";
    return 400;
  }
  r.path = std::move(*decoded);
  return 0;
}

}  // namespace

struct request_parser::impl {
  parser_limits limits;
  http_parser parser{};
  http_parser_settings settings{};
  request current;
  std::uint64_t header_bytes = 0;
  bool in_value = false;  // the last header callback was a value
  bool started = false;
  bool complete = false;
  bool wants_continue = false;
  bool keep_alive = false;
  bool http_1_0 = false;
  int error_status = 0;
  std::string error_message;

  explicit impl(parser_limits l) : limits(l) {
    http_parser_init(&parser, HTTP_REQUEST);
    parser.data = this;
    http_parser_settings_init(&settings);
    settings.on_message_begin = &on_message_begin;
    settings.on_url = &on_url;
    settings.on_header_field = &on_header_field;
    settings.on_header_value = &on_header_value;
    settings.on_headers_complete = &on_headers_complete;
    settings.on_body = &on_body;
    settings.on_message_complete = &on_message_complete;
  }

  static impl& self(http_parser* p) { return *static_cast<impl*>(p->data); }

  // Records why the request is refused; the non-zero return makes the
  // parser stop with an HPE_CB_* error.
  int fail(int status, std::string message) {
    error_status = status;
    error_message = std::move(message);
    return -1;
  }

  int count_header_bytes(std::uint64_t n) {
    header_bytes += n;
    if (header_bytes > limits.max_header_bytes)
      return fail(431,
                  "request headers exceed " + std::to_string(limits.max_header_bytes) + " bytes");
    return 0;
  }

  static int on_message_begin(http_parser* p) {
    impl& s = self(p);
    s.current = request{};
    s.header_bytes = 0;
    s.in_value = false;
    s.started = true;
    s.wants_continue = false;
    return 0;
  }

  static int on_url(http_parser* p, const char* at, std::size_t len) {
    impl& s = self(p);
    s.current.target.append(at, len);
    return s.count_header_bytes(len);
  }

  static int on_header_field(http_parser* p, const char* at, std::size_t len) {
    impl& s = self(p);
    std::uint64_t extra = 0;
    if (s.current.headers.empty() || s.in_value) {
      s.current.headers.emplace_back();
      extra = per_header_overhead;
    }
    s.in_value = false;
    s.current.headers.back().first.append(at, len);
    return s.count_header_bytes(len + extra);
  }

  static int on_header_value(http_parser* p, const char* at, std::size_t len) {
    impl& s = self(p);
    s.in_value = true;
    s.current.headers.back().second.append(at, len);
    return s.count_header_bytes(len);
  }

  static int on_headers_complete(http_parser* p) {
    impl& s = self(p);
    s.current.method = http_method_str(static_cast<http_method>(p->method));
    std::string why;
    if (int status = split_target(s.current, p->method == HTTP_CONNECT, why); status != 0)
      return s.fail(status, why);
    const bool has_length = p->content_length != ULLONG_MAX;
    if (has_length && p->content_length > s.limits.max_body_bytes)
      return s.fail(413,
                    "request body exceeds " + std::to_string(s.limits.max_body_bytes) + " bytes");
    if (has_length) s.current.body.reserve(std::min<std::uint64_t>(p->content_length, 1 << 20));
    if (auto expect = s.current.header("Expect")) {
      if (!iequals(*expect, "100-continue")) return s.fail(417, "unsupported Expect header");
      const bool body_follows = (p->flags & F_CHUNKED) || (has_length && p->content_length > 0);
      s.wants_continue = body_follows && p->http_major == 1 && p->http_minor >= 1;
    }
    return 0;
  }

  static int on_body(http_parser* p, const char* at, std::size_t len) {
    impl& s = self(p);
    if (s.current.body.size() + len > s.limits.max_body_bytes)
      return s.fail(413,
                    "request body exceeds " + std::to_string(s.limits.max_body_bytes) + " bytes");
    s.current.body.append(at, len);
    return 0;
  }

  static int on_message_complete(http_parser* p) {
    impl& s = self(p);
    s.complete = true;
    s.keep_alive = http_should_keep_alive(p) != 0 && p->upgrade == 0;
    s.http_1_0 = p->http_major == 1 && p->http_minor == 0;
    // Stop after this request: the caller answers it before the next one
    // is parsed (pipelined requests are answered in order).
    http_parser_pause(p, 1);
    return 0;
  }
};

request_parser::request_parser(parser_limits limits) : impl_(std::make_unique<impl>(limits)) {
  ensure_global_header_limit(limits.max_header_bytes);
}

request_parser::~request_parser() = default;

request_parser::result request_parser::feed(std::string_view data) {
  impl& s = *impl_;
  if (s.error_status != 0) return {0, outcome::failed};
  if (HTTP_PARSER_ERRNO(&s.parser) == HPE_PAUSED) http_parser_pause(&s.parser, 0);
  s.complete = false;
  const std::size_t n = http_parser_execute(&s.parser, &s.settings, data.data(), data.size());
  if (s.complete) return {n, outcome::complete};
  const auto err = HTTP_PARSER_ERRNO(&s.parser);
  if (err == HPE_OK && n == data.size()) return {n, outcome::need_more};
  if (s.error_status == 0) {
    if (err == HPE_HEADER_OVERFLOW)
      s.fail(431, "request headers too large");
    else
      s.fail(400, std::string("malformed request: ") + http_errno_description(err));
  }
  return {n, outcome::failed};
}

bool request_parser::started() const {
  return impl_->started;
}

bool request_parser::take_continue() {
  return std::exchange(impl_->wants_continue, false);
}

request request_parser::take() {
  impl_->started = false;
  impl_->wants_continue = false;
  return std::move(impl_->current);
}

bool request_parser::keep_alive() const {
  return impl_->keep_alive;
}

bool request_parser::http_1_0() const {
  return impl_->http_1_0;
}

int request_parser::error_status() const {
  return impl_->error_status;
}

const std::string& request_parser::error_message() const {
  return impl_->error_message;
}

}  // namespace vigil::http::detail
