#pragma once

// What happens to one target's scrapes between the HTTP response and the
// router: the body becomes one write batch, as Prometheus's scrape loop
// appends it (Prometheus 2.42, scrape/scrape.go).
//
// - The scrape cache maps a series exactly as written (`a{b="c"}`) to its
//   final labels, its ref in its shard and the scrapes it was seen in. A
//   steady scrape does no label parsing, relabelling or hashing: each line
//   is one lookup and becomes a write by ref.
// - Labels: the target's labels are added to every series; on a conflict
//   the scraped label is kept as exported_<name> unless honor_labels, where
//   the scraped one wins. Then metric_relabel_configs; a dropped series is
//   remembered as dropped.
// - Limits (sample_limit, label_limit, label name and value lengths) and a
//   body that does not parse fail the whole scrape: nothing of it is
//   written, as for a scrape that got no response.
// - Staleness: a series of the previous scrape that is missing from this
//   one gets a stale marker at this scrape's time; a failed scrape counts
//   as an empty one; stop() marks everything. Series with their own
//   timestamps are not tracked, as in Prometheus.
// - Every scrape also writes up, scrape_duration_seconds,
//   scrape_samples_scraped, scrape_samples_post_metric_relabeling and
//   scrape_series_added with the target's labels.
// - Metadata: the TYPE, HELP and UNIT of each family, for the metadata API.
//
// Not thread-safe: one scraper actor owns a loop. Scrapes must not
// overlap: written() for a batch comes before the next scrape.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scrape/metadata.hpp"
#include "scrape/relabel.hpp"
#include "storage/base/error.hpp"
#include "storage/shard/shard_engine.hpp"

namespace vigil::scrape {

struct scrape_options {
  labels target_labels;
  bool honor_labels = false;
  bool honor_timestamps = true;
  uint64_t sample_limit = 0;  ///< 0: none
  uint64_t label_limit = 0;
  uint64_t label_name_length_limit = 0;
  uint64_t label_value_length_limit = 0;
  std::vector<relabel_rule> metric_relabel;
};

/// One scrape's outcome, as the targets API and the synthetic series tell it.
struct scrape_report {
  std::optional<error> failure;  ///< why the scrape failed (up is 0)
  uint64_t samples_scraped = 0;
  uint64_t samples_post_relabel = 0;
  uint64_t series_added = 0;
  uint64_t stale_markers = 0;
  bool metadata_changed = false;  ///< metadata() differs from the last scrape's
};

class scrape_loop {
 public:
  explicit scrape_loop(scrape_options opts);
  ~scrape_loop();
  scrape_loop(const scrape_loop&) = delete;
  scrape_loop& operator=(const scrape_loop&) = delete;

  /// The batch for a response `body` in the format its `content_type`
  /// names, scraped at `t` (ms) in `elapsed`. On any failure (see the file
  /// comment) the batch is that of a failed scrape and the report says why.
  [[nodiscard]] std::vector<series_write> scraped(std::string_view body,
                                                  std::string_view content_type, timestamp t,
                                                  duration elapsed, scrape_report& report);

  /// The batch for a scrape that got no usable response (`why`).
  [[nodiscard]] std::vector<series_write> failed(error why, timestamp t, duration elapsed,
                                                 scrape_report& report);

  /// The router's answer to the last batch: refs and issues by batch index.
  /// Refs are remembered, so the next scrape writes those series by ref; a
  /// ref the shard no longer knows is forgotten.
  void written(std::span<const uint32_t> refs, std::span<const write_issue> issues);

  /// Stale markers at `t` for every series of the last scrape, the
  /// synthetic ones included: the target is going away.
  [[nodiscard]] std::vector<series_write> stopped(timestamp t);

  /// The metadata of the families the target exposed, as of the last
  /// scrape that parsed (families that disappear are forgotten).
  [[nodiscard]] metadata_map metadata() const;

  /// Series in the scrape cache (for tests and status).
  [[nodiscard]] size_t cached_series() const;

 private:
  struct entry;
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace vigil::scrape
