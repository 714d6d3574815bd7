#include "storage/index/postings.hpp"

#include <algorithm>
#include <iterator>

namespace vigil::index {

postings intersect(std::span<const series_ref> a, std::span<const series_ref> b) {
  postings out;
  out.reserve(std::min(a.size(), b.size()));
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

postings merge(std::span<const series_ref> a, std::span<const series_ref> b) {
  postings out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

postings subtract(std::span<const series_ref> a, std::span<const series_ref> b) {
  postings out;
  out.reserve(a.size());
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

postings merge_all(std::vector<std::span<const series_ref>> lists) {
  if (lists.empty()) return {};
  // Concatenate and sort: for the many small lists a regex matcher yields
  // this beats repeated pairwise merges, and it is simple.
  size_t total = 0;
  for (auto l : lists) total += l.size();
  postings out;
  out.reserve(total);
  for (auto l : lists) out.insert(out.end(), l.begin(), l.end());
  if (lists.size() > 1) {
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
  return out;
}

}  // namespace vigil::index
