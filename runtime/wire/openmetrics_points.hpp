#pragma once

// OpenMetrics rules about the samples of one family, given their role (the
// suffix of their name, openmetrics_rules.hpp):
//
// - values: counter totals, histogram sums and summary sums/counts are not
//   NaN or negative; bucket and count values are non-negative integers;
//   _gsum is not NaN; info values are 1; stateset values are 0 or 1;
//   quantile values are not negative;
// - labels: buckets have an `le`, quantiles a `quantile` (numbers, NaN
//   excluded, infinity spelled +Inf or -Inf; quantiles within [0, 1]),
//   stateset samples a label named after the family; `le` and `quantile`
//   appear nowhere else in such families;
// - exemplars only on counter totals and buckets, a bucket's not above its
//   `le`;
// - a metric's samples are consecutive, all with timestamps or none, and
//   the timestamps never go back;
// - once a histogram metric point is complete (the metric or its timestamp
//   changes, or the family ends): buckets sorted by `le` without repeats
//   and cumulative, a +Inf bucket, _count equal to it, _sum and _count
//   together (_gsum and _gcount), no _sum with negative buckets, a negative
//   _gsum only with negative buckets.
//
// A metric is identified by a hash of its labels without the one its sample
// adds (`le`, `quantile`, the state), in any order (hash_set.hpp has the
// odds of two metrics sharing one).
//
// Threading: one checker per parse.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "runtime/wire/exposition.hpp"
#include "runtime/wire/hash_set.hpp"
#include "runtime/wire/line_context.hpp"
#include "runtime/wire/line_scanner.hpp"

namespace vigil::wire {

/// What a sample is within its family, by the suffix of its name.
enum class sample_role {
  value,    ///< no suffix: gauge, unknown, stateset, a summary's quantile
  total,    ///< counter _total
  created,  ///< _created of a counter, histogram or summary
  bucket,   ///< _bucket
  count,    ///< _count
  sum,      ///< _sum
  gcount,   ///< gauge histogram _gcount
  gsum,     ///< gauge histogram _gsum
  info,     ///< info _info
};

/// A metric family as the rules see it.
struct family_ref {
  std::string_view name;
  metric_type type = metric_type::unknown;
};

/// A sample as the rules see it.
struct checked_sample {
  const sample_line& syntax;
  sample_role role = sample_role::value;
  double value = 0;
  std::optional<double> time;  ///< seconds
  std::optional<double> exemplar_value;
};

/// The label a sample of `role` in `family` adds to its metric's labels:
/// "le" for buckets, "quantile" for a summary's quantiles, the family name
/// for statesets; "" for none.
[[nodiscard]] std::string_view point_label(family_ref family, sample_role role) noexcept;

/// The hash identifying the metric of a sample with `labels`: all of them
/// but `point_label`, in any order.
[[nodiscard]] std::uint64_t metric_hash(std::span<const raw_label> labels,
                                        std::string_view point_label) noexcept;

class point_checker {
 public:
  /// Forgets the previous family's metrics.
  void start_family() noexcept;
  /// Checks one sample of `family` on `line`.
  [[nodiscard]] std::optional<error> sample(const line_context& line, family_ref family,
                                            const checked_sample& s);
  /// Checks the family's last metric point once the family has ended.
  [[nodiscard]] std::optional<error> finish_family(family_ref family);
  /// The metric of the last sample.
  [[nodiscard]] std::uint64_t metric() const noexcept { return metric_; }

 private:
  struct histogram_point {
    line_context first;  // its first sample's line
    bool open = false;
    bool has_bucket = false;
    double last_le = 0;
    double last_count = 0;
    std::optional<double> inf_count;
    bool negative_bucket = false;
    std::optional<double> count;
    bool has_sum = false;
    bool negative_sum = false;
  };

  std::optional<error> values(const line_context& line, family_ref family, const checked_sample& s,
                              const raw_label* added, double bound) const;
  std::optional<error> order(const line_context& line, family_ref family, const checked_sample& s,
                             std::uint64_t metric);
  std::optional<error> add_to_point(const line_context& line, const checked_sample& s,
                                    const raw_label* added, double le);
  std::optional<error> finish_point(family_ref family);

  hash_set metrics_;  // of the current family
  std::uint64_t metric_ = 0;
  bool in_metric_ = false;
  bool timed_ = false;
  double last_time_ = 0;
  histogram_point point_;
};

}  // namespace vigil::wire
