#include "storage/base/error.hpp"

namespace vigil {

std::string_view to_string(errc code) noexcept {
  switch (code) {
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::parse_error:
      return "parse_error";
    case errc::not_found:
      return "not_found";
    case errc::io_error:
      return "io_error";
    case errc::corruption:
      return "corruption";
    case errc::limit_exceeded:
      return "limit_exceeded";
    case errc::unauthorized:
      return "unauthorized";
    case errc::unavailable:
      return "unavailable";
    case errc::timeout:
      return "timeout";
    case errc::internal:
      return "internal";
  }
  return "unknown";
}

std::string to_string(const error& e) {
  std::string out{to_string(e.code)};
  out += ": ";
  out += e.message;
  return out;
}

}  // namespace vigil
