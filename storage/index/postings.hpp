#pragma once

// Postings: sorted, duplicate-free lists of series references, one per
// label pair in the index. Set operations run in linear time over the
// inputs (galloping would pay for very skewed sizes; measure first).

#include <cstdint>
#include <span>
#include <vector>

namespace vigil::index {

/// A series reference within one shard's head.
using series_ref = uint32_t;

using postings = std::vector<series_ref>;

/// Series in both.
[[nodiscard]] postings intersect(std::span<const series_ref> a, std::span<const series_ref> b);
/// Series in either.
[[nodiscard]] postings merge(std::span<const series_ref> a, std::span<const series_ref> b);
/// Series in `a` but not in `b`.
[[nodiscard]] postings subtract(std::span<const series_ref> a, std::span<const series_ref> b);
/// The union of many lists.
[[nodiscard]] postings merge_all(std::vector<std::span<const series_ref>> lists);

}  // namespace vigil::index
