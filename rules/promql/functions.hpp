#pragma once

// PromQL's value types and the descriptors of its functions: name, argument
// types, how many trailing arguments may repeat, return type, and whether
// the function is experimental (Prometheus 3 hides those behind
// --enable-feature=promql-experimental-functions). The parser resolves a call
// to one of these descriptors; evaluation lives elsewhere.
//
// The table is immutable and safe to read from any thread.

#include <span>
#include <string_view>
#include <vector>

namespace vigil::promql {

/// The type an expression evaluates to.
enum class value_type { none, scalar, vector, matrix, string };

/// Prometheus's internal name: "scalar", "vector", "matrix", "string", "none".
[[nodiscard]] std::string_view to_string(value_type t) noexcept;

/// The name users read in error messages: "instant vector" and "range
/// vector" for vector and matrix, otherwise as to_string.
[[nodiscard]] std::string_view documented_name(value_type t) noexcept;

/// How a PromQL function is called.
struct function {
  std::string_view name;
  /// Declared argument types; with `variadic` != 0 the last one may repeat
  /// or be left out.
  std::vector<value_type> arg_types;
  /// 0: exactly arg_types.size() arguments; n > 0: the last argument is
  /// optional and at most n of it; -1: the last may repeat without limit.
  int variadic = 0;
  value_type return_type = value_type::vector;
  bool experimental = false;
};

/// The descriptor named `name` (case-sensitive), or nullptr.
[[nodiscard]] const function* find_function(std::string_view name) noexcept;

/// Every function Prometheus 3 knows, sorted by name.
[[nodiscard]] std::span<const function> all_functions() noexcept;

}  // namespace vigil::promql
