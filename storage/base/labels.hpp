#pragma once

// A label set identifies a series: name/value pairs sorted by name with
// unique names; the metric name is the label "__name__". Label sets are
// immutable values; the head interns their strings separately.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/expected.hpp"

namespace vigil {

struct label {
  std::string name;
  std::string value;
  friend auto operator<=>(const label&, const label&) = default;
};

inline constexpr std::string_view metric_name_label = "__name__";

class labels {
 public:
  labels() = default;

  /// Sorts `pairs` by name and validates them: names match
  /// [a-zA-Z_][a-zA-Z0-9_]*, no name twice, no empty value (Prometheus drops
  /// empty labels; so do we, silently). Errors name the offending label.
  [[nodiscard]] static expected<labels> from(std::vector<label> pairs);

  /// For label sets already known to be sorted and valid (decoded from our
  /// own storage).
  [[nodiscard]] static labels from_sorted(std::vector<label> pairs) { return labels{std::move(pairs)}; }

  /// The value of `name`, or "" when absent.
  [[nodiscard]] std::string_view get(std::string_view name) const;
  [[nodiscard]] std::string_view metric_name() const { return get(metric_name_label); }

  [[nodiscard]] const std::vector<label>& pairs() const { return pairs_; }
  [[nodiscard]] size_t size() const { return pairs_.size(); }
  [[nodiscard]] bool empty() const { return pairs_.empty(); }
  auto begin() const { return pairs_.begin(); }
  auto end() const { return pairs_.end(); }

  /// A stable 64-bit hash (XXH3 over names and values with separators):
  /// the same on every node and every version, so it can place series on
  /// shards.
  [[nodiscard]] uint64_t hash() const;

  /// Prometheus's notation: name{a="1", b="2"}.
  [[nodiscard]] std::string to_string() const;

  friend auto operator<=>(const labels&, const labels&) = default;

 private:
  explicit labels(std::vector<label> pairs) : pairs_(std::move(pairs)) {}
  std::vector<label> pairs_;
};

/// Whether `name` is a valid label name ([a-zA-Z_][a-zA-Z0-9_]*).
[[nodiscard]] bool valid_label_name(std::string_view name);
/// Whether `name` is a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).
[[nodiscard]] bool valid_metric_name(std::string_view name);

}  // namespace vigil
