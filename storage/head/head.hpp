#pragma once

// The head: one shard's in-memory recent data. Every series has interned
// labels, one open Gorilla chunk that is cut at `chunk_samples` samples or
// when it spans `chunk_span`, and the cut chunks that wait for persistence.
// Series are found by the stable hash of their labels; the label index
// answers selections.
//
// Appends must arrive in time order per series. Within the optional
// out-of-order window older samples are kept aside and merged on read;
// otherwise they are rejected with a reason that is counted. A global and a
// per-tenant (by default per-job) series limit refuse new series, with an
// error naming the limit, rather than let a cardinality explosion take the
// node down.
//
// Not thread-safe: owned by one shard actor. Every entry point that depends
// on time takes it as a parameter.

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/base/duration.hpp"
#include "storage/base/labels.hpp"
#include "storage/base/sample.hpp"
#include "storage/head/memseries.hpp"
#include "storage/head/ref_table.hpp"
#include "storage/head/symbols.hpp"
#include "storage/index/label_index.hpp"

namespace vigil::head {

using index::series_ref;

struct head_options {
  uint32_t chunk_samples = 120;
  duration chunk_span = std::chrono::hours{2};
  /// Samples up to this much older than a series' newest are accepted
  /// (0: off, as in Prometheus by default).
  duration out_of_order_window{0};
  uint64_t max_series = 0;             ///< 0: unlimited
  uint64_t max_series_per_tenant = 0;  ///< 0: unlimited
  std::string tenant_label = "job";
};

/// Why a sample was not appended.
enum class reject_reason : uint8_t {
  out_of_order,  ///< older than the series' newest sample (and the window)
  duplicate,     ///< same timestamp as a stored sample, different value
};
inline constexpr size_t reject_reason_count = 2;

[[nodiscard]] std::string_view to_string(reject_reason r);

/// What append did with a sample.
struct append_outcome {
  bool stored = false;                  ///< new data
  std::optional<reject_reason> reject;  ///< set when refused
  // Neither: an exact copy of a stored sample (a retry), ignored.
};

struct head_stats {
  uint64_t series = 0;
  uint64_t samples_appended = 0;
  std::array<uint64_t, reject_reason_count> rejected{};
  uint64_t series_refused = 0;  ///< refused by a series limit
  uint64_t chunks_cut = 0;
  timestamp min_t = 0, max_t = 0;  ///< over appended samples; 0 when empty
};

class head {
 public:
  explicit head(head_options options = {});

  /// The series with these labels, created when new. Fails with
  /// errc::limit_exceeded naming the limit when a series limit is reached.
  [[nodiscard]] expected<series_ref> get_or_create(const labels& ls);
  /// The series with these labels, if it exists.
  [[nodiscard]] std::optional<series_ref> find(const labels& ls) const;
  /// Refuses samples of `ref` at or before `t` (already persisted), as if
  /// a sample at `t` had been appended.
  void set_floor(series_ref ref, timestamp t);
  /// Whether `ref` names a series.
  [[nodiscard]] bool contains(series_ref ref) const {
    return ref < series_.size() && series_[ref].live;
  }
  /// Whether `ref` names the series whose labels hash to `label_hash`
  /// (labels::hash): how a writer's cached ref is checked without its labels.
  [[nodiscard]] bool contains(series_ref ref, uint64_t label_hash) const {
    return contains(ref) && series_[ref].label_hash == label_hash;
  }
  /// Re-creates a series under a known ref (WAL replay). The ref must be new.
  void restore(series_ref ref, const labels& ls);

  /// Appends one sample to `ref`. An exact copy of a sample still in memory
  /// (a client's retry) is ignored rather than rejected.
  append_outcome append(series_ref ref, timestamp t, double v);
  /// Hints that `ref` will be appended to soon. A writer walking a batch
  /// calls prefetch a few series ahead and prefetch_chunk (which reads the
  /// series) fewer ahead, so that append finds the series and both ends of
  /// its open chunk in cache: with many series, appends wait on memory.
  void prefetch(series_ref ref) const;
  void prefetch_chunk(series_ref ref) const;

  /// Series matching all matchers, sorted by ref.
  [[nodiscard]] index::postings select(std::span<const index::matcher> matchers) const {
    return index_.select(matchers);
  }
  [[nodiscard]] labels labels_of(series_ref ref) const;
  /// Appends the samples of `ref` within [min_t, max_t] to `out`, in time order.
  void read(series_ref ref, timestamp min_t, timestamp max_t, std::vector<sample>& out) const;

  /// Series with samples in memory within [min_t, max_t], sorted by ref.
  [[nodiscard]] index::postings with_samples_in(timestamp min_t, timestamp max_t) const;
  /// Takes up to `max` of the chunks cut and not yet taken, oldest first
  /// (a series' chunks persist in order). The head no longer reads them:
  /// the caller persists them before answering reads from storage.
  [[nodiscard]] std::vector<cut_chunk> take_cut_chunks(size_t max = SIZE_MAX);
  /// Chunks cut and not yet taken.
  [[nodiscard]] size_t cut_waiting() const { return cut_order_.size(); }
  /// Cuts the open chunks of series whose newest sample is older than
  /// `before` (and their out-of-order samples) and takes all cut chunks.
  [[nodiscard]] std::vector<cut_chunk> cut_idle(timestamp before);
  /// The oldest sample held only in memory (open chunks, out-of-order
  /// samples, chunks cut but not taken), if any.
  [[nodiscard]] std::optional<timestamp> oldest_in_memory() const;
  /// Cuts every open chunk (flush, shutdown) and takes all cut chunks.
  [[nodiscard]] std::vector<cut_chunk> cut_all();

  [[nodiscard]] const index::label_index& label_index() const { return index_; }
  [[nodiscard]] const head_stats& stats() const { return stats_; }
  /// Approximate bytes of memory held, for capacity planning.
  [[nodiscard]] size_t memory_bytes() const;

 private:
  [[nodiscard]] std::optional<error> check_limits(const labels& ls, symbol& tenant);
  void add_series(series_ref ref, const labels& ls, symbol tenant);
  void cut(series_ref ref, memseries& s);
  [[nodiscard]] bool same_labels(series_ref ref, const labels& ls) const;
  [[nodiscard]] append_outcome reject(reject_reason r);
  void cut_series(series_ref ref, memseries& s);

  head_options options_;
  symbol_table symbols_;
  index::label_index index_;
  std::vector<memseries> series_;  // by ref; refs are dense
  ref_table by_hash_;
  std::unordered_map<symbol, uint64_t> per_tenant_;
  std::deque<series_ref> cut_order_;  // the series of each chunk cut and not taken
  head_stats stats_;
  symbol no_tenant_;
};

}  // namespace vigil::head
