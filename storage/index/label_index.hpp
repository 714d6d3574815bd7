#pragma once

// The inverted index of one shard's head: for every label name, its values
// and for each value the postings of series carrying that pair.
//
// Selection follows Prometheus: a matcher that matches the empty string
// also selects series without the label, so {a!="x"} includes series with
// no `a`, and {a=""} means "has no a". Each matcher either narrows the
// result to the union of the postings of the values it accepts, or — when
// it accepts "" — removes the union of the postings of the values it
// rejects. Literal matchers look values up; others scan the label's values.
//
// Not thread-safe: owned by one shard (one actor).

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/labels.hpp"
#include "storage/index/matcher.hpp"
#include "storage/index/postings.hpp"

namespace vigil::index {

class label_index {
 public:
  /// Indexes a series. `ref` must not be indexed already.
  void add(series_ref ref, const labels& ls);
  /// Removes a series indexed with exactly these labels.
  void remove(series_ref ref, const labels& ls);

  /// The series matching every matcher, sorted. No matchers: all series.
  [[nodiscard]] postings select(std::span<const matcher> matchers) const;

  /// Every label name, sorted.
  [[nodiscard]] std::vector<std::string> label_names() const;
  /// Every value of `name`, sorted.
  [[nodiscard]] std::vector<std::string> label_values(std::string_view name) const;

  [[nodiscard]] size_t num_series() const { return all_.size(); }
  /// Series per value of `name`, for status pages.
  [[nodiscard]] std::vector<std::pair<std::string, size_t>> series_per_value(
      std::string_view name) const;
  /// Distinct label values of each name, for status pages.
  [[nodiscard]] std::map<std::string, size_t, std::less<>> value_counts() const;

 private:
  using values_map = std::map<std::string, postings, std::less<>>;

  /// Applies one matcher to `result` (nullopt: still "all series").
  void apply(const matcher& m, std::optional<postings>& result) const;

  std::map<std::string, values_map, std::less<>> names_;
  postings all_;
};

}  // namespace vigil::index
