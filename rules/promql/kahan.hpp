#pragma once

// Internal to the engine: compensated (Kahan-Neumaier) summation and the
// mean Prometheus computes from it, switching to an incremental mean when
// the running sum would overflow. Shared by sum/avg and sum/avg_over_time so
// both agree with Prometheus to the last bit.

#include <cmath>
#include <tuple>
#include <utility>

namespace vigil::promql {

/// A running sum with a compensation term.
struct kahan_sum {
  double sum = 0;
  double c = 0;

  void add(double v) { std::tie(sum, c) = inc(v, sum, c); }
  [[nodiscard]] double value() const { return sum + c; }

  /// One Neumaier step: the new sum and compensation after adding `v`.
  [[nodiscard]] static std::pair<double, double> inc(double v, double sum, double c) {
    double t = sum + v;
    if (std::isinf(t))
      c = 0;
    else if (std::abs(sum) >= std::abs(v))
      c += (sum - t) + v;
    else
      c += (v - t) + sum;
    return {t, c};
  }
};

/// The mean of the values added, as Prometheus's avg computes it.
struct mean_accumulator {
  kahan_sum total;
  double mean = 0;
  double count = 0;
  bool incremental = false;

  void add(double v) {
    count += 1;
    if (count == 1) {  // the first value starts both sum and mean
      total = {v, 0};
      mean = v;
      return;
    }
    if (!incremental) {
      auto [sum, c] = kahan_sum::inc(v, total.sum, total.c);
      if (!std::isinf(sum)) {
        total = {sum, c};
        return;
      }
      incremental = true;
      mean = total.sum / (count - 1);
      total.c /= count - 1;
    }
    double q = (count - 1) / count;
    std::tie(mean, total.c) = kahan_sum::inc(v / count, q * mean, q * total.c);
  }
  [[nodiscard]] double value() const {
    return incremental ? mean + total.c : total.sum / count + total.c / count;
  }
};

}  // namespace vigil::promql
