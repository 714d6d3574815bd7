#pragma once

// Keys of the progress a shard keeps in its catalog's meta table, shared by
// the maintenance pass that writes them and the read path that trusts them.

#include <string>

#include "storage/shard/shard_engine.hpp"

namespace vigil::catalog_keys {

/// The end of the last window rolled up into tier `t`.
[[nodiscard]] inline std::string rolled_up_through(tier t) {
  return "rolled_up_through." + std::to_string(t);
}

/// The end of the last window whose blocks of tier `t` were merged.
[[nodiscard]] inline std::string compacted_through(tier t) {
  return "compacted_through." + std::to_string(t);
}

/// The `now` of the latest retention pass, recorded before it deletes:
/// with the retention settings it bounds what may be gone from each tier.
inline constexpr const char* retention_applied_at = "retention_applied_at";

}  // namespace vigil::catalog_keys
