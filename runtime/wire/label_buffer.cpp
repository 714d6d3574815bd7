#include "runtime/wire/label_buffer.hpp"

#include <cassert>

#include "runtime/wire/escape.hpp"

namespace vigil::wire {

void label_buffer::reset(std::size_t text_bytes) {
  pairs_.clear();
  text_.clear();
  text_.reserve(text_bytes);
}

std::string_view label_buffer::unescaped(std::string_view raw) {
  const std::size_t start = text_.size();
  // Unescaping never lengthens text; staying within the reserved capacity
  // keeps earlier views valid.
  assert(start + raw.size() <= text_.capacity());
  append_unescaped(raw, text_);
  return std::string_view{text_}.substr(start);
}

std::string_view label_buffer::get(std::string_view name) const noexcept {
  for (const auto& l : pairs_)
    if (l.name == name) return l.value;
  return {};
}

}  // namespace vigil::wire
