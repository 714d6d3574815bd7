#pragma once

// How responses look on the wire: status line, headers, chunk framing.
// Internal to vigil_http; pure functions.

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/http/message.hpp"

namespace vigil::http::detail {

/// How a response body is delimited.
enum class framing {
  length,       ///< Content-Length
  chunked,      ///< Transfer-Encoding: chunked
  until_close,  ///< HTTP/1.0 streaming: the body ends when the connection does
  none,         ///< 1xx/204/304: no body and no length
};

/// What the server decides about a response's connection handling.
struct head_options {
  framing body = framing::length;
  std::uint64_t content_length = 0;  ///< For framing::length.
  bool keep_alive = true;
  bool http_1_0 = false;  ///< The request was HTTP/1.0: keep-alive must be explicit.
};

/// The status line and headers, ending with the blank line. The caller's
/// Content-Length, Transfer-Encoding and Connection headers are replaced by
/// the server's own; headers whose name or value contain CR, LF or NUL are
/// dropped (response splitting).
[[nodiscard]] std::string format_head(int status, const header_list& headers,
                                      const head_options& options);

/// "<hex size>\r\n", the line before a chunk of `size` bytes.
[[nodiscard]] std::string chunk_prefix(std::size_t size);

inline constexpr std::string_view chunk_suffix = "\r\n";
inline constexpr std::string_view last_chunk = "0\r\n\r\n";
inline constexpr std::string_view continue_response = "HTTP/1.1 100 Continue\r\n\r\n";

/// 1xx, 204 and 304 responses never carry a body.
[[nodiscard]] bool status_forbids_body(int status);

}  // namespace vigil::http::detail
