// shard_engine's background work: rolling raw data up into minute and hour
// points, and deleting data past its retention. See shard_engine.hpp.

#include <algorithm>

#include "storage/chunk/codec.hpp"
#include "storage/rollup/rollup.hpp"
#include "storage/shard/catalog_keys.hpp"
#include "storage/shard/shard_engine.hpp"

namespace vigil {
namespace {

using namespace std::chrono_literals;

duration resolution(tier t) {
  return t == minute_tier ? duration{1min} : duration{1h};
}

// The last window end at or before t.
timestamp floor_to(timestamp t, duration res) {
  const timestamp end = rollup::window_end(t, res);
  return end == t ? t : end - res.count();
}

// One block holding the data of `parts` (one series and tier, by min_t);
// where parts overlap, the earlier part's sample or point wins.
expected<persist::chunk_record> merge_blocks(std::span<const persist::chunk_record> parts) {
  const auto& first = parts.front();
  if (first.tier == raw_tier) {
    std::vector<sample> samples;
    for (const auto& b : parts) {
      auto n = decode_block_into(b.data, samples);
      if (!n) return std::move(n).error_value();
    }
    keep_one_per_timestamp(samples);
    return persist::chunk_record{first.series_id,
                                 first.tier,
                                 samples.front().t,
                                 samples.back().t,
                                 static_cast<uint32_t>(samples.size()),
                                 encode_block(samples)};
  }
  std::vector<rollup::point> points;
  for (const auto& b : parts) {
    auto decoded = rollup::decode_points(b.data);
    if (!decoded) return std::move(decoded).error_value();
    points.insert(points.end(), decoded->begin(), decoded->end());
  }
  auto by_time = [](const auto& a, const auto& b) { return a.t < b.t; };
  std::stable_sort(points.begin(), points.end(), by_time);
  points.erase(std::unique(points.begin(), points.end(),
                           [](const auto& a, const auto& b) { return a.t == b.t; }),
               points.end());
  return persist::chunk_record{first.series_id,
                               first.tier,
                               points.front().t,
                               points.back().t,
                               static_cast<uint32_t>(points.size()),
                               rollup::encode_points(points)};
}

// The windows of `span` a watermarked pass over tier `source` still has to
// do, as (from, through]: from the watermark under `key` (or the window
// before the tier's first data) to the last window ending by `through`;
// nullopt when there are none.
expected<std::optional<std::pair<timestamp, timestamp>>> pending(persist::catalog& catalog,
                                                                 const std::string& key,
                                                                 tier source, duration span,
                                                                 timestamp through) {
  through = floor_to(through, span);
  auto mark = catalog.meta_int(key);
  if (!mark) return std::move(mark).error_value();
  timestamp from;
  if (*mark) {
    from = **mark;
  } else {
    auto first = catalog.first_time(source);
    if (!first) return std::move(first).error_value();
    if (!*first) return std::optional<std::pair<timestamp, timestamp>>{};
    from = floor_to(**first - 1, span);
  }
  if (through <= from) return std::optional<std::pair<timestamp, timestamp>>{};
  return std::optional{std::pair{from, through}};
}

}  // namespace

// Rolls the source tier up into `target` for windows in (watermark, through].
expected<uint64_t> shard_engine::roll_up(tier target, timestamp through) {
  const duration res = resolution(target);
  const tier source = target == minute_tier ? raw_tier : minute_tier;
  auto range = pending(*catalog_, catalog_keys::rolled_up_through(target), source, res, through);
  if (!range) return std::move(range).error_value();
  if (!*range) return uint64_t{0};
  const auto [from, upto] = **range;
  through = upto;
  auto series = catalog_->series_with_blocks(source, from + 1, through);
  if (!series) return std::move(series).error_value();
  std::vector<persist::chunk_record> blocks;
  uint64_t points = 0;
  for (uint64_t id : *series) {
    std::vector<rollup::point> out;
    if (source == raw_tier) {
      // One window's worth before `from` finds the sample preceding it.
      auto samples = raw_samples(id, from - res.count(), through);
      if (!samples) return std::move(samples).error_value();
      auto first = std::upper_bound(samples->begin(), samples->end(), from,
                                    [](timestamp t, const sample& s) { return t < s.t; });
      auto last = std::upper_bound(first, samples->end(), through,
                                   [](timestamp t, const sample& s) { return t < s.t; });
      std::optional<sample> before;
      if (first != samples->begin()) before = *(first - 1);
      out = rollup::aggregate({first, last}, res, before);
    } else {
      auto finer = catalog_->chunks(id, minute_tier, from + 1, through);
      if (!finer) return std::move(finer).error_value();
      std::vector<rollup::point> minutes;
      for (const auto& b : *finer) {
        auto pts = rollup::decode_points(b.data);
        if (!pts) return std::move(pts).error_value();
        for (const auto& p : *pts)
          if (p.t > from && p.t <= through) minutes.push_back(p);
      }
      out = rollup::coarsen(minutes, res);
    }
    points += out.size();
    // One block per day of points: retention deletes whole blocks, so
    // this is its granularity on the rollup tiers.
    for (auto first = out.begin(); first != out.end();) {
      const timestamp day_end = rollup::window_end(first->t, std::chrono::hours{24});
      auto last = std::find_if(first, out.end(), [&](const auto& p) { return p.t > day_end; });
      std::span<const rollup::point> part{first, last};
      blocks.push_back({id, static_cast<uint8_t>(target), part.front().t, part.back().t,
                        static_cast<uint32_t>(part.size()), rollup::encode_points(part)});
      first = last;
    }
  }
  // Blocks first, watermark second: a pass cut short between the two is
  // redone and replaces the same blocks (same key) rather than adding.
  if (auto err = catalog_->put_chunks(blocks)) return *err;
  if (auto err =
          catalog_->set_meta(catalog_keys::rolled_up_through(target), std::to_string(through)))
    return *err;
  return points;
}

// Merges each series' blocks of tier `t` that start in the same aligned
// window of the tier's block span into one block, for windows in
// (watermark, through]. Each merged block replaces its parts in one
// transaction, so a pass cut short anywhere leaves everything stored
// exactly once, and a redone pass finds those windows already merged. (The
// parts are deleted before the merged block is written, which may reuse
// the first part's key.)
expected<uint64_t> shard_engine::compact(tier t, timestamp through) {
  const duration span = t == raw_tier ? opts_.block_span : t == minute_tier ? 24h : 7 * 24h;
  auto range = pending(*catalog_, catalog_keys::compacted_through(t), t, span, through);
  if (!range) return std::move(range).error_value();
  if (!*range) return uint64_t{0};
  const auto [from, upto] = **range;
  through = upto;
  auto series = catalog_->series_with_blocks(t, from + 1, through);
  if (!series) return std::move(series).error_value();
  std::vector<persist::chunk_record> merged;
  std::vector<persist::block_key> parts;
  uint64_t count = 0;
  for (uint64_t id : *series) {
    auto blocks = catalog_->chunks(id, t, from + 1, through);
    if (!blocks) return std::move(blocks).error_value();
    for (auto first = blocks->begin(); first != blocks->end();) {
      if (first->min_t <= from) {  // an earlier window's
        ++first;
        continue;
      }
      const timestamp end = rollup::window_end(first->min_t, span);
      auto last = std::find_if(first, blocks->end(), [&](const auto& b) { return b.min_t > end; });
      if (last - first > 1 || (t == raw_tier && needs_reencoding(first->data))) {
        auto block = merge_blocks({first, last});
        if (!block) return std::move(block).error_value();
        merged.push_back(std::move(*block));
        for (auto b = first; b != last; ++b) parts.push_back({id, t, b->min_t});
        if (last - first > 1) count += static_cast<uint64_t>(last - first);
      }
      first = last;
    }
    if (merged.size() >= 1024) {  // bounds the memory of a long first pass
      if (auto err = catalog_->put_chunks(merged, parts)) return *err;
      merged.clear();
      parts.clear();
    }
  }
  if (auto err = catalog_->put_chunks(merged, parts)) return *err;
  if (auto err = catalog_->set_meta(catalog_keys::compacted_through(t), std::to_string(through)))
    return *err;
  return count;
}

expected<int64_t> shard_engine::apply_retention(timestamp now) {
  // A tier's data goes only once the next tier has it.
  auto raw_guard = catalog_->meta_int(catalog_keys::rolled_up_through(minute_tier));
  if (!raw_guard) return std::move(raw_guard).error_value();
  auto minute_guard = catalog_->meta_int(catalog_keys::rolled_up_through(hour_tier));
  if (!minute_guard) return std::move(minute_guard).error_value();
  // Recorded first: readers may then assume deleted what is not yet, which
  // only sends them to a rollup early, never into a gap.
  if (auto err = catalog_->set_meta(catalog_keys::retention_applied_at, std::to_string(now)))
    return *err;
  int64_t deleted = 0;
  for (auto ref : head_.select({})) {
    const tier_retention& keep = retention_of(head_.labels_of(ref));
    const std::pair<tier, timestamp> cutoffs[] = {
        {raw_tier, std::min(now - keep.raw.count(), raw_guard->value_or(min_time))},
        {minute_tier, std::min(now - keep.rollup_1m.count(), minute_guard->value_or(min_time))},
        {hour_tier, now - keep.rollup_1h.count()}};
    for (auto [t, cutoff] : cutoffs) {
      auto n = catalog_->delete_series_before(ref, t, cutoff);
      if (!n) return std::move(n).error_value();
      deleted += *n;
    }
  }
  return deleted;
}

expected<maintenance_report> shard_engine::maintain(timestamp now) {
  maintenance_report report;
  if (!last_checkpoint_time_) {
    last_checkpoint_time_ = now;
  } else if (now - *last_checkpoint_time_ >= opts_.checkpoint_interval.count()) {
    if (auto err = flush()) return *err;
    last_checkpoint_time_ = now;
  }
  // Series that stopped receiving samples would keep their open chunk (and
  // hold rollups back) forever: persist those now.
  if (auto err = persist(head_.cut_idle(now - opts_.rollup_delay.count() / 2))) return *err;
  // Merge and roll up only what is persisted: nothing at or after the
  // oldest sample still in memory.
  timestamp through = now - opts_.rollup_delay.count();
  if (auto oldest = head_.oldest_in_memory()) through = std::min(through, *oldest - 1);
  auto merged = compact(raw_tier, through);
  if (!merged) return std::move(merged).error_value();
  report.blocks_merged = *merged;
  auto minutes = roll_up(minute_tier, through);
  if (!minutes) return std::move(minutes).error_value();
  report.points_1m = *minutes;
  auto mark = catalog_->meta_int(catalog_keys::rolled_up_through(minute_tier));
  if (!mark) return std::move(mark).error_value();
  if (*mark) {
    auto hours = roll_up(hour_tier, **mark);
    if (!hours) return std::move(hours).error_value();
    report.points_1h = *hours;
  }
  // Each pass adds a few points per series: merge them into day (minute
  // tier) and week (hour tier) blocks once those windows are complete.
  for (tier t : {minute_tier, hour_tier}) {
    auto done = catalog_->meta_int(catalog_keys::rolled_up_through(t));
    if (!done) return std::move(done).error_value();
    if (!*done) continue;
    auto n = compact(t, **done);
    if (!n) return std::move(n).error_value();
    report.blocks_merged += *n;
  }
  auto deleted = apply_retention(now);
  if (!deleted) return std::move(deleted).error_value();
  report.blocks_deleted = *deleted;
  return report;
}

}  // namespace vigil
