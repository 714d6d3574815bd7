#pragma once

// A value or an error, until the project can use C++23's std::expected.

#include <cassert>
#include <utility>
#include <variant>

#include "storage/base/error.hpp"

namespace vigil {

template <class T>
class [[nodiscard]] expected {
 public:
  expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  expected(error err) : state_(std::in_place_index<1>, std::move(err)) {}

  [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return checked_value(); }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(state_);
  }
  T&& value() && { return std::move(checked_value()); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const error& error_value() const& {
    assert(!has_value());
    return std::get<1>(state_);
  }
  error&& error_value() && {
    assert(!has_value());
    return std::get<1>(std::move(state_));
  }

 private:
  T& checked_value() {
    assert(has_value());
    return std::get<0>(state_);
  }

  std::variant<T, error> state_;
};

}  // namespace vigil
