#include "runtime/storage_api.hpp"

#include <caf/all.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include "actors/interfaces.hpp"
#include "runtime/http_api.hpp"
#include "runtime/shard_scatter.hpp"

namespace vigil::runtime {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// Prometheus lists the top 10 of each.
json name_values(std::vector<actors::name_count> v) {
  json out = json::array();
  for (auto& [name, value] : actors::top_counts(std::move(v), 10))
    out.push_back({{"name", name}, {"value", value}});
  return out;
}

// Sums per-shard (name, count) lists.
std::vector<actors::name_count> merged(
    const std::vector<actors::shard_status>& all,
    std::vector<actors::name_count> actors::shard_status::*field) {
  std::map<std::string, uint64_t> sum;
  for (const auto& s : all)
    for (const auto& [name, count] : s.*field) sum[name] += count;
  return {sum.begin(), sum.end()};
}

json tsdb_status(const std::vector<actors::shard_status>& all) {
  uint64_t series = 0, chunks = 0, label_pairs = 0, memory = 0, wal = 0, db = 0;
  int64_t min_t = 0, max_t = 0;
  bool any = false;
  std::vector<int64_t> bytes(3), samples(3);
  for (const auto& s : all) {
    series += s.head.series;
    chunks +=
        s.head.series;  // one open chunk per series; cut ones leave for the catalog within 10 s
    label_pairs += s.label_pairs;
    memory += s.memory_bytes;
    wal += s.wal_bytes;
    db += s.db_bytes;
    if (s.head.samples_appended) {
      min_t = any ? std::min(min_t, s.head.min_t) : s.head.min_t;
      max_t = any ? std::max(max_t, s.head.max_t) : s.head.max_t;
      any = true;
    }
    for (size_t t = 0; t < s.tiers.size() && t < 3; ++t) {
      bytes[t] += s.tiers[t].bytes;
      samples[t] += s.tiers[t].samples;
    }
  }
  const int64_t block_bytes = bytes[0] + bytes[1] + bytes[2];
  return {
      {"headStats",
       {{"numSeries", series},
        {"numLabelPairs", label_pairs},
        {"chunkCount", chunks},
        {"minTime", any ? min_t : INT64_MAX},
        {"maxTime", any ? max_t : INT64_MIN}}},
      {"seriesCountByMetricName",
       name_values(merged(all, &actors::shard_status::series_by_metric))},
      {"labelValueCountByLabelName",
       name_values(merged(all, &actors::shard_status::values_by_label))},
      {"memoryInBytesByLabelName",
       name_values(merged(all, &actors::shard_status::memory_by_label))},
      {"seriesCountByLabelValuePair",
       name_values(merged(all, &actors::shard_status::series_by_pair))},
      {"storage",
       {{"shards", all.size()},
        {"headMemoryBytes", memory},
        {"bytes",
         {{"chunks", bytes[0]},
          {"rollups", bytes[1] + bytes[2]},
          {"index", std::max<int64_t>(0, static_cast<int64_t>(db) - block_bytes)},
          {"wal", wal}}},
        {"samples", {{"raw", samples[0]}, {"1m", samples[1]}, {"1h", samples[2]}}}}},
  };
}

}  // namespace

void add_storage_routes(http::router& router, caf::actor_system& sys,
                        const actor_directory& directory, const authenticator& auth) {
  router.add(
      "POST", "/api/v1/admin/flush", "/api/v1/admin/flush",
      require_role(
          auth, config::role::admin, [&sys, &directory](http::request&&, http::responder res) {
            auto set = shards(directory);
            if (!set.down.empty()) {
              res.send(http::response::error(503, "unavailable",
                                             "shards restarting, try again: " + joined(set.down)));
              return;
            }
            ask_shards<uint32_t>(
                sys, std::move(set.live),
                [res = std::make_shared<http::responder>(std::move(res))](
                    std::vector<uint32_t> done, std::optional<std::string> err) {
                  if (err)
                    res->send(http::response::error(500, "internal", *err));
                  else
                    res->send(success({{"shards", done.size()}}));
                },
                actors::flush_atom::value);
          }));
  router.add(
      "GET", "/api/v1/status/tsdb", "/api/v1/status/tsdb",
      require_role(
          auth, config::role::read, [&sys, &directory](http::request&&, http::responder res) {
            auto set = shards(directory);
            std::vector<std::string> warnings;
            if (!set.down.empty())
              warnings.push_back("shards restarting, not counted: " + joined(set.down));
            ask_shards<actors::shard_status>(
                sys, std::move(set.live),
                [res = std::make_shared<http::responder>(std::move(res)), warnings](
                    std::vector<actors::shard_status> all, std::optional<std::string> err) {
                  if (err)
                    res->send(http::response::error(500, "internal", *err));
                  else
                    res->send(success(tsdb_status(all), warnings));
                },
                actors::status_atom::value);
          }));
}

}  // namespace vigil::runtime
