#include "storage/head/symbols.hpp"

namespace vigil::head {

symbol symbol_table::intern(std::string_view s) {
  if (auto it = ids_.find(s); it != ids_.end()) return it->second;
  auto id = static_cast<symbol>(strings_.size());
  const auto& stored = strings_.emplace_back(s);
  string_bytes_ += stored.size();
  ids_.emplace(stored, id);
  return id;
}

}  // namespace vigil::head
