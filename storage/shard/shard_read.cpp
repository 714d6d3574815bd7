// shard_engine's read path: selections merged from the head and the
// catalog's tiers, and label names and values by time range. See
// shard_engine.hpp.
//
// Where each tier takes over follows from what maintenance may have
// deleted: it records the `now` of each retention pass before deleting,
// deletes a tier's blocks only when they end before both that tier's
// cutoff and the next tier's watermark, and deletes whole blocks. So for a
// series with retention `keep`, raw samples are complete after
// min(window_end(applied - keep.raw), minute watermark), and minute points
// after the same bound with keep.rollup_1m, hours and the hour watermark.

#include <algorithm>

#include "storage/chunk/codec.hpp"
#include "storage/shard/catalog_keys.hpp"
#include "storage/shard/shard_engine.hpp"

namespace vigil {

using namespace std::chrono_literals;

struct shard_engine::tier_bounds {
  std::optional<timestamp> minute_watermark, hour_watermark, retention_applied_at;
  duration resolution{0};

  // The last window end served by the coarser tier: `watermark` bounds
  // what it holds, `applied - keep` what the finer tier may have lost.
  [[nodiscard]] timestamp coarser_through(std::optional<timestamp> watermark, duration keep,
                                          duration coarser) const {
    if (!watermark) return min_time;
    if (resolution >= coarser) return *watermark;
    if (!retention_applied_at) return min_time;
    return std::min(rollup::window_end(*retention_applied_at - keep.count(), coarser), *watermark);
  }
};

expected<shard_engine::tier_bounds> shard_engine::read_bounds(duration resolution) {
  tier_bounds b;
  b.resolution = resolution;
  for (auto [key, field] :
       {std::pair{catalog_keys::rolled_up_through(minute_tier), &b.minute_watermark},
        std::pair{catalog_keys::rolled_up_through(hour_tier), &b.hour_watermark},
        std::pair{std::string{catalog_keys::retention_applied_at}, &b.retention_applied_at}}) {
    auto v = catalog_->meta_int(key);
    if (!v) return std::move(v).error_value();
    *field = *v;
  }
  return b;
}

const tier_retention& shard_engine::retention_of(const labels& ls) const {
  for (const auto& rule : opts_.retention_rules) {
    if (std::all_of(rule.selector.begin(), rule.selector.end(),
                    [&](const index::matcher& m) { return m.matches(ls.get(m.name())); }))
      return rule.keep;
  }
  return opts_.retention;
}

expected<std::vector<sample>> shard_engine::raw_samples(uint64_t series, timestamp min_t,
                                                        timestamp max_t) {
  std::vector<sample> out;
  auto blocks = catalog_->chunks(series, raw_tier, min_t, max_t);
  if (!blocks) return std::move(blocks).error_value();
  for (const auto& b : *blocks) {
    auto n = decode_block_into(b.data, out);
    if (!n) return std::move(n).error_value();
  }
  // Blocks may overlap after a crash between persisting and checkpointing.
  keep_one_per_timestamp(out);
  return out;
}

expected<std::vector<rollup::point>> shard_engine::rollup_points(uint64_t series, tier t,
                                                                 timestamp min_t, timestamp max_t) {
  std::vector<rollup::point> out;
  if (min_t > max_t) return out;
  auto blocks = catalog_->chunks(series, t, min_t, max_t);
  if (!blocks) return std::move(blocks).error_value();
  for (const auto& b : *blocks) {
    auto points = rollup::decode_points(b.data);
    if (!points) return std::move(points).error_value();
    for (const auto& p : *points)
      if (p.t >= min_t && p.t <= max_t) out.push_back(p);
  }
  return out;
}

expected<std::vector<series_data>> shard_engine::select(std::span<const index::matcher> matchers,
                                                        timestamp min_t, timestamp max_t,
                                                        duration resolution) {
  auto bounds = read_bounds(resolution);
  if (!bounds) return std::move(bounds).error_value();
  std::vector<series_data> out;
  for (auto ref : head_.select(matchers)) {
    series_data d{head_.labels_of(ref), {}, {}, {}};
    const tier_retention& keep = retention_of(d.ls);
    const timestamp hours_through =
        bounds->coarser_through(bounds->hour_watermark, keep.rollup_1m, 1h);
    const timestamp minutes_through =
        std::max(hours_through, bounds->coarser_through(bounds->minute_watermark, keep.raw, 1min));
    auto hours = rollup_points(ref, hour_tier, min_t, std::min(max_t, hours_through));
    if (!hours) return std::move(hours).error_value();
    auto minutes = rollup_points(ref, minute_tier, std::max(min_t, hours_through + 1),
                                 std::min(max_t, minutes_through));
    if (!minutes) return std::move(minutes).error_value();
    const timestamp raw_from = std::max(min_t, minutes_through + 1);
    if (raw_from <= max_t) {
      auto persisted = raw_samples(ref, raw_from, max_t);
      if (!persisted) return std::move(persisted).error_value();
      d.samples = std::move(*persisted);
      std::erase_if(d.samples, [&](const sample& s) { return s.t < raw_from || s.t > max_t; });
      // The head may repeat persisted samples (replayed after a crash
      // before the checkpoint): the persisted copy wins.
      head_.read(ref, raw_from, max_t, d.samples);
      keep_one_per_timestamp(d.samples);
    }
    d.hours = std::move(*hours);
    d.minutes = std::move(*minutes);
    if (!d.samples.empty() || !d.minutes.empty() || !d.hours.empty()) out.push_back(std::move(d));
  }
  return out;
}

expected<index::postings> shard_engine::series_in_range(std::span<const index::matcher> matchers,
                                                        timestamp min_t, timestamp max_t) {
  index::postings with_data = head_.with_samples_in(min_t, max_t);
  for (tier t : {raw_tier, minute_tier, hour_tier}) {
    auto ids = catalog_->series_with_blocks(t, min_t, max_t);
    if (!ids) return std::move(ids).error_value();
    const index::postings stored(ids->begin(), ids->end());
    with_data = index::merge(with_data, stored);
  }
  return index::intersect(head_.select(matchers), with_data);
}

expected<std::vector<labels>> shard_engine::series(std::span<const index::matcher> matchers,
                                                   timestamp min_t, timestamp max_t) {
  auto refs = series_in_range(matchers, min_t, max_t);
  if (!refs) return std::move(refs).error_value();
  std::vector<labels> out;
  out.reserve(refs->size());
  for (auto ref : *refs) out.push_back(head_.labels_of(ref));
  return out;
}

expected<std::vector<std::string>> shard_engine::label_names(
    std::span<const index::matcher> matchers, timestamp min_t, timestamp max_t) {
  auto refs = series_in_range(matchers, min_t, max_t);
  if (!refs) return std::move(refs).error_value();
  std::vector<std::string> names;
  for (auto ref : *refs)
    for (const auto& l : head_.labels_of(ref)) names.push_back(l.name);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

expected<std::vector<std::string>> shard_engine::label_values(
    std::string_view name, std::span<const index::matcher> matchers, timestamp min_t,
    timestamp max_t) {
  auto refs = series_in_range(matchers, min_t, max_t);
  if (!refs) return std::move(refs).error_value();
  std::vector<std::string> values;
  for (auto ref : *refs) {
    const auto ls = head_.labels_of(ref);
    if (auto v = ls.get(name); !v.empty()) values.emplace_back(v);
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

}  // namespace vigil
