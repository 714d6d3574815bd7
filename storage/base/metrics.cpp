#include "storage/base/metrics.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace vigil::metrics {
namespace {

void append_escaped(std::string& out, std::string_view s, bool quotes_too) {
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quotes_too)
      out += "\\\"";
    else
      out += c;
  }
}

void append_labels(std::string& out, const std::vector<std::string>& names,
                   const label_values& values, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  auto pair = [&](std::string_view name, std::string_view value) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    append_escaped(out, value, true);
    out += '"';
  };
  for (size_t i = 0; i < names.size(); ++i) pair(names[i], values[i]);
  if (!extra_name.empty()) pair(extra_name, extra_value);
  out += '}';
}

void append_sample(std::string& out, std::string_view name, const std::vector<std::string>& names,
                   const label_values& values, double v, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  out += name;
  append_labels(out, names, values, extra_name, extra_value);
  out += ' ';
  append_value(out, v);
  out += '\n';
}

std::string_view type_name(metric_type t) {
  switch (t) {
    case metric_type::counter:
      return "counter";
    case metric_type::gauge:
      return "gauge";
    case metric_type::histogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

void append_value(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
  }
}

histogram::histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void histogram::observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

histogram::snapshot histogram::read() const {
  snapshot s;
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  // Concurrent observers may have bumped a bucket but not yet the count;
  // the +Inf bucket is the count by definition.
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

const std::vector<double>& default_seconds_buckets() {
  static const std::vector<double> bounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return bounds;
}

template <class Metric>
Metric& family<Metric>::with(const label_values& values) {
  if (values.size() != label_names_.size())
    throw std::invalid_argument("metric family: wrong number of label values");
  std::lock_guard lock{mutex_};
  auto& slot = children_[values];
  if (!slot) {
    if constexpr (std::is_same_v<Metric, histogram>)
      slot = std::make_unique<histogram>(bounds_);
    else
      slot = std::make_unique<Metric>();
  }
  return *slot;
}

template class family<counter>;
template class family<gauge>;
template class family<histogram>;

registry::entry& registry::find_or_add(const std::string& name, metric_type type,
                                       const std::string& help) {
  auto [it, added] = families_.try_emplace(name);
  if (!added && it->second.type != type)
    throw std::invalid_argument("metric " + name + " registered with two types");
  if (added) {
    it->second.type = type;
    it->second.help = help;
  }
  return it->second;
}

family<counter>& registry::counters(const std::string& name, const std::string& help,
                                    std::vector<std::string> label_names) {
  std::lock_guard lock{mutex_};
  auto& e = find_or_add(name, metric_type::counter, help);
  if (!e.counters) e.counters = std::make_unique<family<counter>>(std::move(label_names));
  return *e.counters;
}

family<gauge>& registry::gauges(const std::string& name, const std::string& help,
                                std::vector<std::string> label_names) {
  std::lock_guard lock{mutex_};
  auto& e = find_or_add(name, metric_type::gauge, help);
  if (!e.gauges) e.gauges = std::make_unique<family<gauge>>(std::move(label_names));
  return *e.gauges;
}

family<histogram>& registry::histograms(const std::string& name, const std::string& help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> bounds) {
  std::lock_guard lock{mutex_};
  auto& e = find_or_add(name, metric_type::histogram, help);
  if (!e.histograms)
    e.histograms = std::make_unique<family<histogram>>(std::move(label_names), std::move(bounds));
  return *e.histograms;
}

void registry::on_collect(std::function<void()> refresh) {
  std::lock_guard lock{mutex_};
  collectors_.push_back(std::move(refresh));
}

std::string registry::render() const {
  std::vector<std::function<void()>> collectors;
  {
    std::lock_guard lock{mutex_};
    collectors = collectors_;
  }
  // Collectors update gauges through the registry, so run them unlocked.
  for (const auto& refresh : collectors) refresh();

  std::string out;
  std::lock_guard lock{mutex_};
  for (const auto& family : families_) {
    // Named, not structured bindings: lambdas below capture them (clang 14).
    const auto& name = family.first;
    const auto& e = family.second;
    out += "# HELP " + name + ' ';
    append_escaped(out, e.help, false);
    out += "\n# TYPE " + name + ' ';
    out += type_name(e.type);
    out += '\n';
    if (e.counters) {
      e.counters->each([&](const label_values& values, const counter& c) {
        append_sample(out, name, e.counters->label_names(), values, c.value());
      });
    } else if (e.gauges) {
      e.gauges->each([&](const label_values& values, const gauge& g) {
        append_sample(out, name, e.gauges->label_names(), values, g.value());
      });
    } else if (e.histograms) {
      const auto& names = e.histograms->label_names();
      e.histograms->each([&](const label_values& values, const histogram& h) {
        auto s = h.read();
        const auto& bounds = e.histograms->bounds();
        std::string le;
        for (size_t i = 0; i <= bounds.size(); ++i) {
          le.clear();
          append_value(le, i < bounds.size() ? bounds[i] : INFINITY);
          append_sample(out, name + "_bucket", names, values, static_cast<double>(s.cumulative[i]),
                        "le", le);
        }
        append_sample(out, name + "_sum", names, values, s.sum);
        append_sample(out, name + "_count", names, values, static_cast<double>(s.count));
      });
    }
  }
  return out;
}

}  // namespace vigil::metrics
