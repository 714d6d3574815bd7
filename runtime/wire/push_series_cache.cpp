#include "runtime/wire/push_series_cache.hpp"

#include <xxhash.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace vigil::wire::push {

std::size_t series_cache::key_hash::operator()(std::string_view s) const {
  return XXH3_64bits(s.data(), s.size());
}

void series_cache::append_key(std::string& key, std::string_view s) {
  const auto n = static_cast<uint32_t>(s.size());
  const char length[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                          static_cast<char>(n >> 8), static_cast<char>(n)};
  key.append(length, sizeof length).append(s);
}

std::optional<series_cache::entry> series_cache::find(std::string_view key) {
  if (auto it = young_.find(key); it != young_.end()) return it->second;
  auto it = old_.find(key);
  if (it == old_.end()) return std::nullopt;
  // Extracted first: age() may drop the old generation.
  auto node = old_.extract(it);
  const entry found = node.mapped();
  age();
  young_.insert(std::move(node));
  return found;
}

void series_cache::insert(std::string key, entry e) {
  if (capacity_ == 0) return;
  if (auto it = young_.find(key); it != young_.end()) {
    it->second = e;
    return;
  }
  old_.erase(key);
  age();
  young_.emplace(std::move(key), e);
}

void series_cache::forget(std::span<const entry> stale) {
  auto order = [](const entry& a, const entry& b) {
    return std::pair{a.ref, a.label_hash} < std::pair{b.ref, b.label_hash};
  };
  std::vector<entry> sorted(stale.begin(), stale.end());
  std::sort(sorted.begin(), sorted.end(), order);
  auto is_stale = [&](const auto& kv) {
    return std::binary_search(sorted.begin(), sorted.end(), kv.second, order);
  };
  std::erase_if(young_, is_stale);
  std::erase_if(old_, is_stale);
}

void series_cache::age() {
  // Two generations of capacity/2 (at least one entry each).
  if (young_.size() < std::max<std::size_t>(1, capacity_ / 2)) return;
  old_ = std::move(young_);
  young_ = generation{};
}

}  // namespace vigil::wire::push
