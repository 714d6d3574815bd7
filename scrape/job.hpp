#pragma once

// A scrape job as configured (Prometheus's scrape_config): how its targets
// are found and how each is scraped. Plain data, filled and validated by
// config/ (scrape_configs), read by target building and the scrapers.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scrape/relabel.hpp"
#include "storage/base/duration.hpp"
#include "storage/base/labels.hpp"

namespace vigil::scrape {

/// A group of targets sharing labels: one entry of static_configs or of a
/// file_sd file.
struct target_group {
  std::vector<std::string> targets;  ///< host:port, each becomes __address__
  std::vector<label> labels;         ///< as written; names are valid label names
  std::string source;                ///< where it came from, for errors and the targets API
};

/// file_sd_configs entry: files (the last path element may be a glob)
/// holding target groups as JSON (.json) or YAML (.yml, .yaml).
struct file_sd {
  std::vector<std::string> files;
  duration refresh_interval = std::chrono::minutes{5};
};

struct basic_auth {
  std::string username;
  std::string password;       ///< inline, or
  std::string password_file;  ///< read at every scrape (rotation)
};

/// `authorization` (type Bearer) or the older bearer_token(_file) keys.
struct bearer_auth {
  std::string credentials;       ///< inline, or
  std::string credentials_file;  ///< read at every scrape
};

struct job {
  std::string name;  ///< job_name, unique
  duration scrape_interval = std::chrono::seconds{15};
  duration scrape_timeout = std::chrono::seconds{10};  ///< <= scrape_interval
  std::string metrics_path = "/metrics";
  std::string scheme = "http";  ///< http or https
  /// URL parameters; a name may repeat.
  std::vector<std::pair<std::string, std::string>> params;
  bool honor_labels = false;
  bool honor_timestamps = true;
  uint64_t sample_limit = 0;  ///< 0: none; more samples fail the scrape
  uint64_t label_limit = 0;   ///< 0: none; a series with more labels fails the scrape
  uint64_t label_name_length_limit = 0;
  uint64_t label_value_length_limit = 0;
  uint64_t body_size_limit = 0;  ///< bytes, uncompressed; 0: none
  std::vector<target_group> static_configs;
  std::vector<file_sd> file_sd_configs;
  std::vector<relabel_rule> relabel_configs;
  std::vector<relabel_rule> metric_relabel_configs;
  std::optional<basic_auth> basic;
  std::optional<bearer_auth> bearer;
};

}  // namespace vigil::scrape
