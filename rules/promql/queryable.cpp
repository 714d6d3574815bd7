// The two queryables: the shard adapter moves series_data's stretches
// over; the in-memory one (raw samples only; `resolution` has nothing to
// choose from) scans its series linearly, which is what test scripts and
// rule unit tests need.

#include "rules/promql/queryable.hpp"

#include <algorithm>

#include "storage/shard/shard_engine.hpp"

namespace vigil::promql {

expected<std::vector<stored_series>> shard_queryable::select(
    std::span<const index::matcher> matchers, timestamp min_t, timestamp max_t,
    duration resolution) {
  auto selected = shard_.select(matchers, min_t, max_t, resolution);
  if (!selected) return std::move(selected).error_value();
  std::vector<stored_series> out;
  out.reserve(selected->size());
  for (auto& s : *selected)
    out.push_back(
        {std::move(s.ls), std::move(s.samples), std::move(s.minutes), std::move(s.hours)});
  return out;
}

void memory_queryable::add(const labels& ls, std::span<const sample> samples) {
  auto it = std::find_if(series_.begin(), series_.end(),
                         [&](const stored_series& s) { return s.ls == ls; });
  if (it == series_.end()) it = series_.insert(series_.end(), stored_series{ls, {}, {}, {}});
  it->samples.insert(it->samples.end(), samples.begin(), samples.end());
}

expected<std::vector<stored_series>> memory_queryable::select(
    std::span<const index::matcher> matchers, timestamp min_t, timestamp max_t, duration) {
  std::vector<stored_series> out;
  for (const auto& s : series_) {
    bool match = std::all_of(matchers.begin(), matchers.end(), [&](const index::matcher& m) {
      return m.matches(s.ls.get(m.name()));
    });
    if (!match) continue;
    stored_series copy{s.ls, {}, {}, {}};
    for (const auto& smp : s.samples)
      if (smp.t >= min_t && smp.t <= max_t) copy.samples.push_back(smp);
    if (!copy.samples.empty()) out.push_back(std::move(copy));
  }
  return out;
}

}  // namespace vigil::promql
