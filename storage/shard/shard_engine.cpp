#include "storage/shard/shard_engine.hpp"

#include <algorithm>

#include "storage/chunk/codec.hpp"
#include "storage/wal/records.hpp"

namespace vigil {

expected<std::unique_ptr<shard_engine>> shard_engine::open(file_system& fs, shard_options opts) {
  if (auto err = fs.create_dir(opts.dir)) return *err;
  std::unique_ptr<shard_engine> engine{new shard_engine{std::move(opts)}};
  // One engine per directory: a restarted shard waits (its supervisor's
  // backoff) until the one it replaces has let go.
  auto lock = fs.lock(engine->opts_.dir + "/LOCK");
  if (!lock) return std::move(lock).error_value();
  engine->lock_ = std::move(*lock);
  const std::string db_path = engine->opts_.dir + "/shard.db";
  auto cat = persist::catalog::open(db_path);
  if (!cat && cat.error_value().code == errc::corruption) {
    // Keep the damaged file for inspection and start a fresh one: the WAL
    // still restores recent data, and the rest of the node keeps serving.
    const std::string aside = db_path + ".damaged";
    engine->startup_issues_.push_back(cat.error_value().message + "; moved to " + aside);
    for (const char* suffix : {"", "-wal", "-shm"})
      (void)fs.rename(db_path + suffix, aside + suffix);
    cat = persist::catalog::open(db_path);
  }
  if (!cat) return std::move(cat).error_value();
  engine->catalog_ = std::make_unique<persist::catalog>(std::move(*cat));
  auto* self = engine.get();
  auto log = wal::write_ahead_log::open(
      fs, engine->opts_.dir + "/wal", engine->opts_.wal,
      [self](const wal::replayed_record& r) { return self->replay_record(r); });
  if (!log) return std::move(log).error_value();
  engine->wal_ = std::move(*log);
  engine->last_checkpoint_ = engine->wal_->replayed().checkpoint.value_or(0);
  // Samples at or before what is persisted would overlap stored blocks.
  auto persisted = engine->catalog_->last_times(raw_tier);
  if (!persisted) return std::move(persisted).error_value();
  for (auto [id, t] : *persisted)
    if (engine->head_.contains(static_cast<head::series_ref>(id)))
      engine->head_.set_floor(static_cast<head::series_ref>(id), t);
  if (engine->replay_dropped_)
    engine->startup_issues_.push_back(std::to_string(engine->replay_dropped_) +
                                      " replayed samples dropped: their series records were lost");
  return engine;
}

std::optional<error> shard_engine::replay_record(const wal::replayed_record& r) {
  switch (static_cast<wal::record_type>(r.type)) {
    case wal::record_type::series:
      if (auto err = wal::decode_series(r.payload, replay_series_)) return err;
      for (const auto& s : replay_series_)
        if (!head_.find(s.lbls)) head_.restore(static_cast<head::series_ref>(s.id), s.lbls);
      return std::nullopt;
    case wal::record_type::samples:
      if (auto err = wal::decode_samples(r.payload, replay_samples_)) return err;
      // Rejections are expected here: samples already persisted before a
      // checkpoint, or replayed twice, are duplicates the head ignores.
      for (const auto& s : replay_samples_) {
        const auto ref = static_cast<head::series_ref>(s.id);
        // A series record lost to earlier damage: drop its samples, say so.
        if (!head_.contains(ref)) {
          ++replay_dropped_;
          continue;
        }
        (void)head_.append(ref, s.t, s.v);
      }
      return std::nullopt;
    case wal::record_type::tombstones:
      return std::nullopt;
  }
  return error{errc::corruption, "wal: unknown record type " + std::to_string(r.type) +
                                     " in segment " + std::to_string(r.segment) + " at offset " +
                                     std::to_string(r.offset)};
}

expected<write_result> shard_engine::write(std::span<const series_write> batch) {
  write_result result;
  result.refs.assign(batch.size(), series_write::no_ref);
  new_series_.clear();
  accepted_.clear();
  // Series by ref are appended to in a few nanoseconds once in cache, so
  // their memory is requested ahead (head::prefetch).
  constexpr size_t chunk_ahead = 4, series_ahead = 8;
  auto ref_at = [&](size_t i) { return i < batch.size() ? batch[i].ref : series_write::no_ref; };
  for (size_t i = 0; i < batch.size(); ++i) {
    if (auto r = ref_at(i + series_ahead); r != series_write::no_ref) head_.prefetch(r);
    if (auto r = ref_at(i + chunk_ahead); r != series_write::no_ref) head_.prefetch_chunk(r);
    const auto& w = batch[i];
    if (auto bad = std::find_if(w.samples.begin(), w.samples.end(),
                                [](const sample& s) { return s.t < min_time || s.t > max_time; });
        bad != w.samples.end()) {
      result.issues.push_back(
          {i, "out_of_bounds",
           "timestamp " + std::to_string(bad->t) + " is outside the storable range (±2^62 ms)"});
      continue;
    }
    auto ref = resolve(w);
    if (!ref) {
      const bool stale = ref.error_value().code == errc::not_found;
      result.issues.push_back(
          {i, stale ? "unknown_series" : "limit_exceeded", ref.error_value().message});
      continue;
    }
    result.refs[i] = *ref;
    std::optional<head::reject_reason> first_reject;
    size_t rejected = 0;
    for (const auto& s : w.samples) {
      auto outcome = head_.append(*ref, s.t, s.v);
      if (outcome.stored) {
        accepted_.push_back({*ref, s.t, s.v});
        result.oldest_accepted = std::min(result.oldest_accepted, s.t);
      } else if (outcome.reject && !rejected++)
        first_reject = outcome.reject;
    }
    if (rejected) {
      result.issues.push_back(
          {i, std::string{head::to_string(*first_reject)},
           std::to_string(rejected) + " of " + std::to_string(w.samples.size()) +
               " samples rejected (first: " + std::string{head::to_string(*first_reject)} + ")"});
    }
  }
  result.accepted = accepted_.size();
  series_payload_.clear();
  samples_payload_.clear();
  std::vector<wal::record_view> records;
  if (!new_series_.empty()) {
    wal::encode_series(new_series_, series_payload_);
    records.push_back({static_cast<uint8_t>(wal::record_type::series), series_payload_});
  }
  if (!accepted_.empty()) {
    wal::encode_samples(accepted_, samples_payload_);
    records.push_back({static_cast<uint8_t>(wal::record_type::samples), samples_payload_});
  }
  if (records.empty()) {
    result.wal_position = wal_->written_position();
    return result;
  }
  auto pos = wal_->append(records);
  if (!pos) return std::move(pos).error_value();
  result.wal_position = *pos;
  return result;
}

expected<head::series_ref> shard_engine::resolve(const series_write& w) {
  if (w.ref != series_write::no_ref) {
    if (head_.contains(w.ref, w.label_hash)) return w.ref;
    return error{errc::not_found, "series ref " + std::to_string(w.ref) +
                                      " is not known under that label hash; send the labels"};
  }
  const size_t before = head_.stats().series;
  auto ref = head_.get_or_create(w.ls);
  if (ref && head_.stats().series != before) new_series_.push_back({*ref, w.ls});
  return ref;
}

std::optional<error> shard_engine::persist(std::vector<head::cut_chunk> chunks) {
  if (chunks.empty()) return std::nullopt;
  std::vector<persist::series_record> series;
  std::vector<persist::chunk_record> blocks;
  blocks.reserve(chunks.size());
  for (auto& c : chunks) {
    if (c.ref >= cataloged_.size()) cataloged_.resize(c.ref + 1);
    if (!cataloged_[c.ref]) series.push_back({c.ref, head_.labels_of(c.ref)});
    blocks.push_back({c.ref, 0, c.min_t, c.max_t, c.samples, wrap_head_chunk(c.bytes)});
  }
  if (auto err = catalog_->put_series(series)) return err;
  for (const auto& s : series) cataloged_[s.id] = true;
  return catalog_->put_chunks(blocks);
}

std::optional<error> shard_engine::persist_cut(size_t max_chunks) {
  return persist(head_.take_cut_chunks(max_chunks));
}

std::optional<error> shard_engine::flush() {
  if (auto err = persist(head_.cut_all())) return err;
  // SQLite commits without fsync (synchronous=NORMAL); make the catalog
  // durable before the WAL segments that also hold this data go.
  if (auto err = catalog_->sync()) return err;
  // Everything up to here is persisted: the WAL needs only the series.
  if (auto err = wal_->roll()) return err;
  const uint32_t through = wal_->segment() - 1;
  // Nothing written since the last checkpoint: the WAL is already minimal.
  if (through == 0 || through <= last_checkpoint_) return std::nullopt;
  std::vector<wal::series_entry> live;
  for (auto ref : head_.select({})) live.push_back({ref, head_.labels_of(ref)});
  std::string payload;
  wal::encode_series(live, payload);
  std::vector<wal::record_view> records;
  if (!live.empty()) records.push_back({static_cast<uint8_t>(wal::record_type::series), payload});
  if (auto err = wal_->checkpoint(through, records)) return err;
  last_checkpoint_ = through;
  return wal_->truncate_before(through + 1);
}

}  // namespace vigil
