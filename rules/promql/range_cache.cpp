#include "rules/promql/range_cache.hpp"

#include <algorithm>
#include <limits>

#include "rules/promql/printer.hpp"

namespace vigil::promql {

namespace {

int64_t millis(duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// The series of `m` with their points in [from, to]; series without any
// there are left out.
matrix_value slice(const matrix_value& m, timestamp from, timestamp to) {
  matrix_value out;
  for (const auto& s : m) {
    auto first = std::lower_bound(s.points.begin(), s.points.end(), from,
                                  [](const sample& p, timestamp t) { return p.t < t; });
    auto last = std::upper_bound(first, s.points.end(), to,
                                 [](timestamp t, const sample& p) { return t < p.t; });
    if (first != last) out.push_back({s.metric, {first, last}, false});
  }
  return out;
}

// Two results sorted by labels, `later`'s points all after `earlier`'s,
// as one: a series in both gets `earlier`'s points, then `later`'s.
matrix_value stitch(matrix_value earlier, matrix_value later) {
  matrix_value out;
  out.reserve(std::max(earlier.size(), later.size()));
  auto a = earlier.begin(), b = later.begin();
  while (a != earlier.end() || b != later.end()) {
    if (b == later.end() || (a != earlier.end() && a->metric < b->metric)) {
      out.push_back(std::move(*a++));
    } else if (a == earlier.end() || b->metric < a->metric) {
      out.push_back(std::move(*b++));
    } else {
      a->points.insert(a->points.end(), b->points.begin(), b->points.end());
      out.push_back(std::move(*a++));
      ++b;
    }
  }
  return out;
}

size_t bytes_of(const matrix_value& m) {
  size_t total = 0;
  for (const auto& s : m) {
    total += sizeof(series_points) + s.points.size() * sizeof(sample);
    for (const auto& l : s.metric)
      total += 2 * sizeof(std::string) + l.name.size() + l.value.size();
  }
  return total;
}

void merge_into(annotations& to, const annotations& from) {
  to.warnings.insert(from.warnings.begin(), from.warnings.end());
  to.infos.insert(from.infos.begin(), from.infos.end());
}

bool shifted_only_back(const vector_selector& s) {
  return !s.at.is_set() && !s.offset_expr && s.offset >= duration{0};
}

metrics::registry& pick(metrics::registry* given, std::unique_ptr<metrics::registry>& own) {
  if (given) return *given;
  own = std::make_unique<metrics::registry>();
  return *own;
}

// topk, bottomk and limitk check a computed k once over all steps
// (evaluator::finish), which evaluating some of the steps would skip.
bool k_checked_over_all_steps(const aggregate& a) {
  const bool takes_k =
      a.op == aggregate_op::topk || a.op == aggregate_op::bottomk || a.op == aggregate_op::limitk;
  return takes_k && !a.param->is<number_literal>();
}

}  // namespace

bool cacheable(const expr& e) {
  if (e.is<vector_selector>() && !shifted_only_back(e.as<vector_selector>())) return false;
  if (e.is<aggregate>() && k_checked_over_all_steps(e.as<aggregate>())) return false;
  if (e.is<subquery>()) {
    const auto& s = e.as<subquery>();
    if (s.at.is_set() || s.offset_expr || s.offset < duration{0}) return false;
  }
  auto kids = children(e);
  return std::all_of(kids.begin(), kids.end(), [](const expr* c) { return cacheable(*c); });
}

/// The results of the steps first, first + step, ..., last.
struct range_cache::entry {
  timestamp first = 0;
  timestamp last = 0;
  matrix_value series;  // sorted by labels
  annotations notes;
  size_t bytes = 0;
};

struct range_cache::slot {
  std::shared_ptr<const entry> data;
  std::list<std::string>::iterator recency;
};

range_cache::range_cache(range_cache_options options, metrics::registry* registry)
    : options_(options),
      registry_(pick(registry, own_registry_)),
      requests_(registry_.counters("vigil_query_cache_requests_total",
                                   "Range queries by how the result cache answered them: hit "
                                   "(every step cached), partial, miss, uncacheable.",
                                   {"result"})),
      hits_(requests_.with({"hit"})),
      partial_(requests_.with({"partial"})),
      misses_(requests_.with({"miss"})),
      uncacheable_(requests_.with({"uncacheable"})),
      evictions_(registry_
                     .counters("vigil_query_cache_evictions_total",
                               "Range-query cache entries dropped for space.")
                     .with()),
      invalidations_(registry_
                         .counters("vigil_query_cache_invalidations_total",
                                   "Range-query cache entries dropped because older samples "
                                   "were written into their window.")
                         .with()),
      entries_gauge_(
          registry_.gauges("vigil_query_cache_entries", "Range-query cache entries.").with()),
      bytes_gauge_(
          registry_
              .gauges("vigil_query_cache_bytes", "Estimated memory held by the range-query cache.")
              .with()) {}

range_cache::~range_cache() = default;

expected<matrix_value> range_cache::eval_range(const engine& eng, queryable& q, const expr& e,
                                               timestamp start, timestamp end, duration step,
                                               timestamp now, const query_limits& limits,
                                               annotations* notes) {
  const int64_t step_ms = millis(step);
  if (options_.max_bytes == 0 || step_ms <= 0 || end < start || !cacheable(e)) {
    uncacheable_.inc();
    return eng.eval_range(q, e, start, end, step, limits, notes);
  }
  // The last step is the request's real end: an `end` between steps asks
  // for nothing after the last one.
  end = start + (end - start) / step_ms * step_ms;
  // The newest step that may be kept (start - step: none).
  const timestamp horizon = std::min(end, now - millis(options_.freshness));
  const timestamp keep_until =
      horizon < start ? start - step_ms : start + (horizon - start) / step_ms * step_ms;
  const int64_t phase = ((start % step_ms) + step_ms) % step_ms;
  const std::string key =
      to_string(e) + '\n' + std::to_string(step_ms) + '\n' + std::to_string(phase);
  const uint64_t generation = generation_.load();

  std::shared_ptr<const entry> held;
  {
    std::lock_guard lock{mutex_};
    if (auto it = entries_.find(key); it != entries_.end()) {
      const auto& d = *it->second.data;
      // Usable when it overlaps the request or touches it.
      if (d.first <= end + step_ms && start <= d.last + step_ms) {
        held = it->second.data;
        recency_.splice(recency_.begin(), recency_, it->second.recency);
      }
    }
  }

  annotations got;
  auto evaluate = [&](timestamp from, timestamp to) {
    annotations piece;
    auto m = eng.eval_range(q, e, from, to, step, limits, &piece);
    merge_into(got, piece);
    return m;
  };
  if (!held) {
    misses_.inc();
    auto m = evaluate(start, end);
    if (!m) return m;
    if (keep_until >= start) {
      auto fresh =
          std::make_shared<entry>(entry{start, keep_until, slice(*m, start, keep_until), got, 0});
      store(key, std::move(fresh), generation);
    }
    if (notes) *notes = std::move(got);
    return m;
  }

  matrix_value before, after;
  if (start < held->first) {
    auto m = evaluate(start, held->first - step_ms);
    if (!m) return m;
    before = std::move(*m);
  }
  if (end > held->last) {
    auto m = evaluate(held->last + step_ms, end);
    if (!m) return m;
    after = std::move(*m);
  }
  const bool grows = start < held->first || keep_until > held->last;
  (start < held->first || end > held->last ? partial_ : hits_).inc();
  if (grows) {
    auto fresh = std::make_shared<entry>();
    fresh->first = std::min(start, held->first);
    fresh->last = std::max(held->last, keep_until);
    fresh->series =
        stitch(stitch(before, held->series), slice(after, held->last + step_ms, fresh->last));
    fresh->notes = held->notes;
    merge_into(fresh->notes, got);
    store(key, std::move(fresh), generation);
  }
  merge_into(got, held->notes);
  if (notes) *notes = std::move(got);
  return stitch(stitch(std::move(before), slice(held->series, start, end)), std::move(after));
}

void range_cache::store(const std::string& key, std::shared_ptr<entry> fresh, uint64_t generation) {
  fresh->bytes = sizeof(entry) + key.size() + bytes_of(fresh->series);
  std::lock_guard lock{mutex_};
  // Older samples arrived while this was evaluated: it may lack them.
  if (generation_.load() != generation) return;
  auto it = entries_.find(key);
  if (fresh->bytes > options_.max_bytes / 8) {
    if (it != entries_.end()) erase(it);
    publish_size();
    return;
  }
  if (it == entries_.end()) {
    recency_.push_front(key);
    it = entries_.emplace(key, slot{nullptr, recency_.begin()}).first;
  } else {
    bytes_ -= it->second.data->bytes;
    recency_.splice(recency_.begin(), recency_, it->second.recency);
  }
  bytes_ += fresh->bytes;
  newest_held_ = std::max(newest_held_, fresh->last);
  it->second.data = std::move(fresh);
  while (bytes_ > options_.max_bytes) {
    erase(entries_.find(recency_.back()));
    evictions_.inc();
  }
  publish_size();
}

void range_cache::erase(slot_map::iterator it) {
  bytes_ -= it->second.data->bytes;
  recency_.erase(it->second.recency);
  entries_.erase(it);
}

void range_cache::note_write(timestamp oldest, timestamp now) {
  if (oldest > now - millis(options_.freshness)) return;
  std::lock_guard lock{mutex_};
  generation_.fetch_add(1);
  if (oldest > newest_held_) return;
  timestamp newest = std::numeric_limits<timestamp>::min();
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto next = std::next(it);
    if (it->second.data->last >= oldest) {
      erase(it);
      invalidations_.inc();
    } else {
      newest = std::max(newest, it->second.data->last);
    }
    it = next;
  }
  newest_held_ = newest;
  publish_size();
}

void range_cache::publish_size() {
  entries_gauge_.set(static_cast<double>(entries_.size()));
  bytes_gauge_.set(static_cast<double>(bytes_));
}

range_cache::counts range_cache::read() const {
  auto n = [](const metrics::counter& c) { return static_cast<uint64_t>(c.value()); };
  std::lock_guard lock{mutex_};
  return {n(hits_),      n(partial_),       n(misses_),      n(uncacheable_),
          n(evictions_), n(invalidations_), entries_.size(), bytes_};
}

}  // namespace vigil::promql
