#pragma once

// Series refs by label-set hash: an open-addressing table with linear
// probing over one flat array, so a lookup costs about one cache miss
// (a node-based std::unordered_map cost three and dominated the write path,
// see docs/benchmarks.md). Equal hashes simply occupy successive slots;
// callers confirm a candidate by comparing labels.
//
// Not thread-safe. No removal yet (the head does not drop series).

#include <cstdint>
#include <vector>

namespace vigil::head {

class ref_table {
 public:
  static constexpr uint32_t no_ref = UINT32_MAX;

  ref_table() : slots_(16) {}

  void insert(uint64_t hash, uint32_t ref) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    place(hash, ref);
    ++size_;
  }

  /// Calls `match(ref)` for each ref stored under `hash` until it returns
  /// true; returns that ref, or no_ref.
  template <class F>
  [[nodiscard]] uint32_t find(uint64_t hash, F&& match) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const slot& s = slots_[i];
      if (s.ref == no_ref) return no_ref;
      if (s.hash == hash && match(s.ref)) return s.ref;
    }
  }

  [[nodiscard]] size_t size() const { return size_; }
  [[nodiscard]] size_t memory_bytes() const { return slots_.capacity() * sizeof(slot); }

 private:
  struct slot {
    uint64_t hash = 0;
    uint32_t ref = no_ref;
  };

  void place(uint64_t hash, uint32_t ref) {
    const size_t mask = slots_.size() - 1;
    size_t i = hash & mask;
    while (slots_[i].ref != no_ref) i = (i + 1) & mask;
    slots_[i] = {hash, ref};
  }

  void grow() {
    std::vector<slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const auto& s : old)
      if (s.ref != no_ref) place(s.hash, s.ref);
  }

  std::vector<slot> slots_;  // size is a power of two
  size_t size_ = 0;
};

}  // namespace vigil::head
