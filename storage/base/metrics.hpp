#pragma once

// vigil's self-instrumentation registry: counters, gauges and histograms with labels,
// rendered in the Prometheus text exposition format 0.0.4.
//
// Threading: families and their children may be created and updated from
// any thread. Creating a child takes the family's mutex; updating one is a
// lock-free atomic operation, so hot paths look a child up once and keep the
// reference (children are never destroyed while the registry lives).

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::metrics {

using label_values = std::vector<std::string>;

/// A monotonically increasing value.
class counter {
 public:
  void inc(double v = 1) { value_.fetch_add(v, std::memory_order_relaxed); }
  [[nodiscard]] double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// A value that goes up and down.
class gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void inc(double v = 1) { value_.fetch_add(v, std::memory_order_relaxed); }
  void dec(double v = 1) { value_.fetch_sub(v, std::memory_order_relaxed); }
  [[nodiscard]] double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// Counts observations into cumulative buckets with fixed upper bounds.
class histogram {
 public:
  /// `bounds` must be sorted ascending; +Inf is implicit.
  explicit histogram(const std::vector<double>& bounds);

  void observe(double v);

  struct snapshot {
    std::vector<uint64_t> cumulative;  ///< one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  [[nodiscard]] snapshot read() const;

 private:
  const std::vector<double>& bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // non-cumulative, last is +Inf
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

/// Default latency buckets in seconds, as Prometheus's client libraries use.
[[nodiscard]] const std::vector<double>& default_seconds_buckets();

enum class metric_type { counter, gauge, histogram };

/// One metric name with its label names; children per label values.
template <class Metric>
class family {
 public:
  family(std::vector<std::string> label_names, std::vector<double> bounds = {})
      : label_names_(std::move(label_names)), bounds_(std::move(bounds)) {}

  /// The child for these label values (as many as label names), created on
  /// first use. The reference stays valid for the registry's lifetime.
  Metric& with(const label_values& values = {});

  [[nodiscard]] const std::vector<std::string>& label_names() const { return label_names_; }
  [[nodiscard]] const std::vector<double>& bounds() const { return bounds_; }

  /// Calls `f(values, metric)` for each child in label order, under the lock.
  template <class F>
  void each(F&& f) const {
    std::lock_guard lock{mutex_};
    for (const auto& [values, metric] : children_) f(values, *metric);
  }

 private:
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::map<label_values, std::unique_ptr<Metric>> children_;
};

/// All metric families of one process and the text rendering of them.
class registry {
 public:
  /// Registers a family, or returns the existing one of that name. Names
  /// follow Prometheus conventions (counters end in _total).
  family<counter>& counters(const std::string& name, const std::string& help,
                            std::vector<std::string> label_names = {});
  family<gauge>& gauges(const std::string& name, const std::string& help,
                        std::vector<std::string> label_names = {});
  family<histogram>& histograms(const std::string& name, const std::string& help,
                                std::vector<std::string> label_names,
                                std::vector<double> bounds = default_seconds_buckets());

  /// Runs before each render; for values read on demand (process stats).
  void on_collect(std::function<void()> refresh);

  /// The whole registry in text format 0.0.4, families sorted by name.
  [[nodiscard]] std::string render() const;

 private:
  struct entry {
    metric_type type;
    std::string help;
    std::unique_ptr<family<counter>> counters;
    std::unique_ptr<family<gauge>> gauges;
    std::unique_ptr<family<histogram>> histograms;
  };
  entry& find_or_add(const std::string& name, metric_type type, const std::string& help);

  mutable std::mutex mutex_;
  std::map<std::string, entry> families_;
  std::vector<std::function<void()>> collectors_;
};

/// Appends a sample value as Prometheus writes it: shortest round-trip
/// decimal, "+Inf", "-Inf", "NaN".
void append_value(std::string& out, double v);

}  // namespace vigil::metrics
