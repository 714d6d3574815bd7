#pragma once

// One series in the head: interned labels, the open Gorilla chunk, chunks
// cut but not yet persisted, and (with an out-of-order window) older
// samples kept aside in time order.

#include <utility>
#include <vector>

#include "storage/base/sample.hpp"
#include "storage/chunk/xor_chunk.hpp"
#include "storage/head/symbols.hpp"
#include "storage/index/postings.hpp"

namespace vigil::head {

using index::series_ref;

/// A chunk cut from a series, ready to persist.
struct cut_chunk {
  series_ref ref = 0;
  timestamp min_t = 0;
  timestamp max_t = 0;
  uint32_t samples = 0;
  std::vector<uint8_t> bytes;  ///< Gorilla (XOR) encoding
};

// Fields an append touches come first, so that it reads as few cache
// lines as possible: with many series, head writes are bound by misses.
struct memseries {
  bool live = false;  // false for unused refs
  bool has_samples = false;
  uint64_t label_hash = 0;  // labels::hash()
  sample last;              // newest in-order sample; valid when open has samples
  timestamp open_min_t = 0;
  xor_appender open;
  std::vector<sample> out_of_order;  // sorted by t, unique t
  std::vector<cut_chunk> cut;        // cut, not yet taken; oldest first
  std::vector<std::pair<symbol, symbol>> label_symbols;  // in label order
  symbol tenant = 0;
};

}  // namespace vigil::head
