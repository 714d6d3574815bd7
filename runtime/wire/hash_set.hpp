#pragma once

// A set of 64-bit hashes with open addressing (linear probing, at most half
// full). The OpenMetrics checks remember family names and each family's
// metrics by hash, so a parse allocates only while the table grows. Two
// different strings with the same 64-bit hash would be taken for one; with
// tens of thousands of entries per scrape the odds are below 1e-10.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vigil::wire {

class hash_set {
 public:
  /// Adds `hash`; false when it was already present.
  bool insert(std::uint64_t hash);
  [[nodiscard]] bool contains(std::uint64_t hash) const noexcept;
  /// Empties the set, keeping its memory.
  void clear() noexcept;

 private:
  void grow();

  // 0 marks a free slot, so the hash 0 is tracked on its own.
  std::vector<std::uint64_t> slots_;
  std::size_t size_ = 0;
  bool has_zero_ = false;
};

}  // namespace vigil::wire
