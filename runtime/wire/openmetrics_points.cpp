#include "runtime/wire/openmetrics_points.hpp"

#include <xxhash.h>

#include <charconv>
#include <cmath>
#include <string>

#include "runtime/wire/number.hpp"

namespace vigil::wire {
namespace {

bool histogram_like(metric_type type) noexcept {
  return type == metric_type::histogram || type == metric_type::gauge_histogram;
}

// The label only the bucket or quantile samples of a family may have.
std::string_view reserved_label(metric_type type) noexcept {
  if (histogram_like(type)) return "le";
  if (type == metric_type::summary) return "quantile";
  return {};
}

// Whether the label a sample adds is a number (le, quantile) rather than a
// stateset's state.
bool numeric_point(family_ref family, sample_role role) noexcept {
  return role == sample_role::bucket ||
         (role == sample_role::value && family.type == metric_type::summary);
}

// An le or quantile: a number, not NaN, infinity spelled +Inf or -Inf.
std::optional<double> threshold(const raw_label& label) {
  if (label.value_escaped) return std::nullopt;
  auto v = parse_float(label.value);
  if (!v || std::isnan(*v)) return std::nullopt;
  if (std::isinf(*v) && label.value != "+Inf" && label.value != "-Inf") return std::nullopt;
  return *v;
}

std::string missing_label(family_ref family, sample_role role) {
  if (role == sample_role::bucket) return "a bucket needs an \"le\" label";
  if (family.type == metric_type::summary)
    return "a summary's quantile sample needs a \"quantile\" label";
  return "a stateset sample needs a label named after its family " + quote(family.name);
}

std::string number(double v) {
  char buffer[32];
  auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  return {buffer, end};
}

}  // namespace

std::string_view point_label(family_ref family, sample_role role) noexcept {
  if (role == sample_role::bucket) return "le";
  if (role != sample_role::value) return {};
  if (family.type == metric_type::summary) return "quantile";
  if (family.type == metric_type::stateset) return family.name;
  return {};
}

std::uint64_t metric_hash(std::span<const raw_label> labels,
                          std::string_view point_label) noexcept {
  // A sum of per-label hashes does not depend on the order of the labels.
  std::uint64_t hash = 0;
  for (const auto& l : labels) {
    if (!point_label.empty() && l.name == point_label) continue;
    hash += XXH3_64bits_withSeed(l.value.data(), l.value.size(),
                                 XXH3_64bits(l.name.data(), l.name.size()));
  }
  return hash;
}

void point_checker::start_family() noexcept {
  metrics_.clear();
  in_metric_ = false;
  point_.open = false;
}

std::optional<error> point_checker::sample(const line_context& line, family_ref family,
                                           const checked_sample& s) {
  const auto added_name = point_label(family, s.role);
  const auto reserved = reserved_label(family.type);
  const raw_label* added = nullptr;
  for (const auto& l : s.syntax.labels) {
    if (!added_name.empty() && l.name == added_name) {
      added = &l;
    } else if (!reserved.empty() && l.name == reserved) {
      return line.fail(l.name.data(), "label " + quote(reserved) + " belongs only on the " +
                                          (reserved == "le" ? "buckets" : "quantiles") + " of a " +
                                          std::string(to_string(family.type)));
    }
  }
  if (!added_name.empty() && !added)
    return line.fail(s.syntax.series.data() + s.syntax.series.size(),
                     missing_label(family, s.role));
  double bound = 0;
  if (added && numeric_point(family, s.role)) {
    auto t = threshold(*added);
    if (!t)
      return line.fail(added->value.data(),
                       "invalid " + std::string(added_name) + " " + quote(added->value) +
                           ": expected a number (not NaN; infinity written +Inf)");
    bound = *t;
  }
  if (auto e = values(line, family, s, added, bound)) return e;
  if (auto e = order(line, family, s, metric_hash(s.syntax.labels, added_name))) return e;
  if (histogram_like(family.type)) return add_to_point(line, s, added, bound);
  return std::nullopt;
}

std::optional<error> point_checker::values(const line_context& line, family_ref family,
                                           const checked_sample& s, const raw_label* added,
                                           double bound) const {
  const double v = s.value;
  const char* at = s.syntax.value.data();
  switch (s.role) {
    case sample_role::total:
      if (std::isnan(v) || v < 0)
        return line.fail(at, "a counter total must not be NaN or negative");
      break;
    case sample_role::sum:
      if (std::isnan(v) || v < 0) return line.fail(at, "a _sum must not be NaN or negative");
      break;
    case sample_role::gsum:
      if (std::isnan(v)) return line.fail(at, "a _gsum must not be NaN");
      break;
    case sample_role::bucket:
    case sample_role::count:
    case sample_role::gcount:
      if (!(v >= 0) || std::isinf(v) || v != std::floor(v))
        return line.fail(at, "bucket and count values must be non-negative integers");
      break;
    case sample_role::info:
      if (v != 1) return line.fail(at, "an info sample's value must be 1");
      break;
    case sample_role::value:
      if (family.type == metric_type::stateset && v != 0 && v != 1)
        return line.fail(at, "a stateset sample's value must be 0 or 1");
      if (family.type == metric_type::summary) {
        if (bound < 0 || bound > 1)
          return line.fail(added->value.data(), "a quantile must be between 0 and 1");
        if (v < 0) return line.fail(at, "a quantile's value must not be negative");
      }
      break;
    case sample_role::created:
      break;
  }
  if (!s.exemplar_value) return std::nullopt;
  if (s.role != sample_role::total && s.role != sample_role::bucket)
    return line.fail(s.syntax.exemplar.data(),
                     "exemplars are only allowed on counter totals and histogram buckets");
  if (s.role == sample_role::bucket && *s.exemplar_value > bound)
    return line.fail(s.syntax.exemplar_value.data(),
                     "the exemplar's value is above its bucket's le");
  return std::nullopt;
}

std::optional<error> point_checker::order(const line_context& line, family_ref family,
                                          const checked_sample& s, std::uint64_t metric) {
  if (!in_metric_ || metric != metric_) {
    if (auto e = finish_point(family)) return e;
    if (!metrics_.insert(metric))
      return line.fail(line.text.data(), "the samples of metric " + quote(s.syntax.series) +
                                             " are not consecutive (metrics must not interleave)");
    metric_ = metric;
    in_metric_ = true;
    timed_ = s.time.has_value();
    last_time_ = s.time.value_or(0);
    return std::nullopt;
  }
  const char* after_value = s.syntax.value.data() + s.syntax.value.size();
  if (s.time.has_value() != timed_)
    return line.fail(after_value, "a metric's samples must all have timestamps or none");
  if (!s.time || *s.time == last_time_) return std::nullopt;
  if (*s.time < last_time_)
    return line.fail(s.syntax.time.data(), "timestamp before the metric's previous one");
  last_time_ = *s.time;
  return finish_point(family);  // a later timestamp starts a new metric point
}

std::optional<error> point_checker::add_to_point(const line_context& line, const checked_sample& s,
                                                 const raw_label* added, double le) {
  if (!point_.open) {
    point_ = histogram_point{};
    point_.first = line;
    point_.open = true;
  }
  auto& p = point_;
  switch (s.role) {
    case sample_role::bucket:
      if (p.has_bucket && le <= p.last_le)
        return line.fail(added->value.data(), "buckets must be sorted by le, without repeats");
      if (s.value < p.last_count)
        return line.fail(s.syntax.value.data(),
                         "bucket value below the previous bucket's (buckets are cumulative)");
      p.has_bucket = true;
      p.last_le = le;
      p.last_count = s.value;
      p.negative_bucket = p.negative_bucket || le < 0;
      if (std::isinf(le) && le > 0) p.inf_count = s.value;
      break;
    case sample_role::count:
    case sample_role::gcount:
      p.count = s.value;
      break;
    case sample_role::sum:
    case sample_role::gsum:
      p.has_sum = true;
      p.negative_sum = s.value < 0;
      break;
    default:
      break;
  }
  return std::nullopt;
}

std::optional<error> point_checker::finish_family(family_ref family) {
  return finish_point(family);
}

std::optional<error> point_checker::finish_point(family_ref family) {
  if (!point_.open) return std::nullopt;
  point_.open = false;
  const auto& p = point_;
  const bool gauge = family.type == metric_type::gauge_histogram;
  auto fail = [&](std::string_view what) {
    return p.first.fail(p.first.text.data(), std::string(to_string(family.type)) + " " +
                                                 quote(family.name) + ": " + std::string(what));
  };
  if (!p.inf_count) return fail("metric point without an le=\"+Inf\" bucket");
  if (p.count && *p.count != *p.inf_count)
    return fail(std::string(gauge ? "_gcount " : "_count ") + number(*p.count) +
                " differs from the +Inf bucket's " + number(*p.inf_count));
  if (p.has_sum != p.count.has_value())
    return fail(gauge ? "_gsum and _gcount must come together"
                      : "_sum and _count must come together");
  if (!gauge && p.negative_bucket && p.has_sum)
    return fail("a histogram with negative buckets must not have a _sum");
  if (gauge && p.negative_sum && !p.negative_bucket)
    return fail("a negative _gsum needs negative buckets");
  return std::nullopt;
}

}  // namespace vigil::wire
