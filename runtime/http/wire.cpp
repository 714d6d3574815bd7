#include "runtime/http/wire.hpp"

#include <http_parser.h>

#include <cstdio>
#include <cstring>

namespace vigil::http::detail {

namespace {

bool framing_header(std::string_view name) {
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") ||
         iequals(name, "Connection");
}

bool unsafe(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

}  // namespace

std::string format_head(int status, const header_list& headers, const head_options& options) {
  std::string out;
  out.reserve(256);
  const char* reason = http_status_str(static_cast<http_status>(status));
  if (std::strcmp(reason, "<unknown>") == 0) reason = "Unknown";
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason;
  out += "\r\n";
  for (const auto& [name, value] : headers) {
    if (name.empty() || framing_header(name) || unsafe(name) || unsafe(value)) continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  switch (options.body) {
    case framing::length:
      out += "Content-Length: " + std::to_string(options.content_length) + "\r\n";
      break;
    case framing::chunked:
      out += "Transfer-Encoding: chunked\r\n";
      break;
    case framing::until_close:
    case framing::none:
      break;
  }
  if (!options.keep_alive)
    out += "Connection: close\r\n";
  else if (options.http_1_0)
    out += "Connection: keep-alive\r\n";
  out += "\r\n";
  return out;
}

std::string chunk_prefix(std::size_t size) {
  char buf[24];
  const int n = std::snprintf(buf, sizeof buf, "%zx\r\n", size);
  return std::string(buf, static_cast<std::size_t>(n));
}

bool status_forbids_body(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

}  // namespace vigil::http::detail
