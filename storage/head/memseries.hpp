#pragma once

// One series in the head: interned labels, the open Gorilla chunk, chunks
// cut but not yet persisted, and (with an out-of-order window) older
// samples kept aside in time order.

#include <utility>
#include <vector>

#include "storage/base/sample.hpp"
#include "storage/chunk/xor_chunk.hpp"
#include "storage/head/symbols.hpp"

namespace vigil::head {

struct memseries {
  std::vector<std::pair<symbol, symbol>> label_symbols;  // in label order
  uint64_t label_hash = 0;                               // labels::hash()
  symbol tenant = 0;
  xor_appender open;
  timestamp open_min_t = 0;
  sample last;  // newest in-order sample; valid when open has samples
  bool has_samples = false;
  std::vector<sample> out_of_order;  // sorted by t, unique t
  bool live = false;                 // false for unused refs
};

}  // namespace vigil::head
