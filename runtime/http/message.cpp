#include "runtime/http/message.hpp"

#include <nlohmann/json.hpp>

namespace vigil::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Shared by the strict (percent_decode) and lenient (parse_form) decoders.
std::optional<std::string> decode(std::string_view text, bool plus_is_space, bool lenient) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%') {
      const bool complete = i + 2 < text.size();
      const int hi = complete ? hex_value(text[i + 1]) : -1;
      const int lo = complete ? hex_value(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        if (!lenient) return std::nullopt;
        out += c;
        continue;
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string_view> find_header(const header_list& headers, std::string_view name) {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return std::string_view(value);
  return std::nullopt;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  return decode(text, plus_is_space, false);
}

param_list parse_form(std::string_view text) {
  param_list out;
  while (!text.empty()) {
    const auto amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    out.emplace_back(*decode(name, true, true), *decode(value, true, true));
  }
  return out;
}

std::optional<std::string_view> request::header(std::string_view name) const {
  return find_header(headers, name);
}

param_list request::query_params() const {
  return parse_form(query);
}

std::string_view default_error_type(int status) {
  switch (status) {
    case 404:
      return "not_found";
    case 408:
    case 504:
      return "timeout";
    case 422:
      return "execution";
    case 503:
      return "unavailable";
    default:
      return status >= 400 && status < 500 ? "bad_data" : "internal";
  }
}

std::optional<std::string_view> response::header(std::string_view name) const {
  return find_header(headers, name);
}

response response::json(int status, std::string body) {
  return response{status, {{"Content-Type", "application/json"}}, std::move(body)};
}

response response::text(int status, std::string body, std::string content_type) {
  return response{status, {{"Content-Type", std::move(content_type)}}, std::move(body)};
}

response response::error(int status, std::string_view error_type, std::string_view message) {
  // ordered_json keeps Prometheus's key order (status first).
  const nlohmann::ordered_json doc = {
      {"status", "error"}, {"errorType", std::string(error_type)}, {"error", std::string(message)}};
  // Messages may quote client input; replace invalid UTF-8 rather than throw.
  return json(status, doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

response response::error(int status, std::string_view message) {
  return error(status, default_error_type(status), message);
}

}  // namespace vigil::http
