#pragma once

// Comparing a write's samples (series_write::sample_list) with the sample
// vectors reads return, in test assertions.

#include <algorithm>
#include <vector>

#include "storage/shard/shard_engine.hpp"

namespace vigil {

inline bool operator==(const series_write::sample_list& a, const std::vector<sample>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace vigil
