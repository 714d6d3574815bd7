#include "runtime/wire/hash_set.hpp"

#include <algorithm>
#include <utility>

namespace vigil::wire {
namespace {

constexpr std::size_t initial_slots = 64;

}  // namespace

bool hash_set::insert(std::uint64_t hash) {
  if (hash == 0) return !std::exchange(has_zero_, true);
  if (2 * (size_ + 1) > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    if (slots_[i] == hash) return false;
    if (slots_[i] == 0) {
      slots_[i] = hash;
      ++size_;
      return true;
    }
  }
}

bool hash_set::contains(std::uint64_t hash) const noexcept {
  if (hash == 0) return has_zero_;
  if (slots_.empty()) return false;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    if (slots_[i] == hash) return true;
    if (slots_[i] == 0) return false;
  }
}

void hash_set::clear() noexcept {
  if (size_ > 0) std::fill(slots_.begin(), slots_.end(), 0);
  size_ = 0;
  has_zero_ = false;
}

void hash_set::grow() {
  std::vector<std::uint64_t> old(std::max(initial_slots, 2 * slots_.size()), 0);
  old.swap(slots_);
  size_ = 0;
  for (auto h : old)
    if (h != 0) insert(h);
}

}  // namespace vigil::wire
