#pragma once

// file_sd_configs files: a list of target groups, as Prometheus reads them.
//
//   [{"targets": ["host:9100"], "labels": {"env": "prod"}}]     (.json)
//   - targets: [host:9100]                                        (.yml, .yaml)
//     labels: {env: prod}
//
// Each group also gets the label __meta_filepath (the file's path), and
// its source is "FILE:INDEX". Plain C++ interface; yaml-cpp and the JSON
// parser stay in the .cpp.

#include <string>
#include <string_view>
#include <vector>

#include "scrape/job.hpp"
#include "storage/base/expected.hpp"

namespace vigil::config {

/// The target groups in `text`, read as JSON when `file` ends in .json and
/// as YAML otherwise. Every problem is reported at once, as one
/// errc::parse_error whose message has a line `FILE:LINE:COL: path:
/// message` per problem (e.g. `t.json:3:17: [0].labels.env: expected a
/// string, got a list`): a file with any problem yields no groups, so a
/// half-edited file never removes the targets it had.
[[nodiscard]] expected<std::vector<scrape::target_group>> parse_target_groups(
    std::string_view text, const std::string& file);

}  // namespace vigil::config
