#include "storage/index/label_index.hpp"

#include <algorithm>
#include <optional>

namespace vigil::index {
namespace {

void insert_sorted(postings& p, series_ref ref) {
  // Refs mostly arrive in increasing order: appending is the common case.
  if (p.empty() || p.back() < ref)
    p.push_back(ref);
  else
    p.insert(std::lower_bound(p.begin(), p.end(), ref), ref);
}

void erase_sorted(postings& p, series_ref ref) {
  auto it = std::lower_bound(p.begin(), p.end(), ref);
  if (it != p.end() && *it == ref) p.erase(it);
}

}  // namespace

void label_index::add(series_ref ref, const labels& ls) {
  for (const auto& l : ls) {
    auto names_it = names_.try_emplace(l.name).first;
    auto values_it = names_it->second.try_emplace(l.value).first;
    insert_sorted(values_it->second, ref);
  }
  insert_sorted(all_, ref);
}

void label_index::remove(series_ref ref, const labels& ls) {
  for (const auto& l : ls) {
    auto n = names_.find(l.name);
    if (n == names_.end()) continue;
    auto v = n->second.find(l.value);
    if (v == n->second.end()) continue;
    erase_sorted(v->second, ref);
    if (v->second.empty()) n->second.erase(v);
    if (n->second.empty()) names_.erase(n);
  }
  erase_sorted(all_, ref);
}

void label_index::apply(const matcher& m, std::optional<postings>& result) const {
  const bool accepts_empty = m.matches("");
  auto n = names_.find(m.name());
  if (n == names_.end()) {
    // No series has the label: all of them match iff the matcher accepts "".
    if (!accepts_empty) result = postings{};
    return;
  }
  const values_map& values = n->second;
  // The values to gather: those accepted (narrowing) or rejected (removing).
  std::vector<std::span<const series_ref>> lists;
  const bool positive = m.op() == match_op::equal || m.op() == match_op::regex;
  const auto& set = m.set_values();
  if (!set.empty() && positive != accepts_empty) {
    // The gathered values are exactly the literal set: look them up.
    for (const auto& v : set)
      if (auto it = values.find(v); it != values.end()) lists.emplace_back(it->second);
  } else {
    for (const auto& [v, p] : values)
      if (m.matches(v) != accepts_empty) lists.emplace_back(p);
  }
  postings gathered = merge_all(std::move(lists));
  if (!accepts_empty) {
    result = result ? intersect(*result, gathered) : std::move(gathered);
  } else {
    result = subtract(result ? *result : all_, gathered);
  }
}

postings label_index::select(std::span<const matcher> matchers) const {
  // Narrowing matchers first keeps the intermediate results small.
  std::vector<const matcher*> order;
  for (const auto& m : matchers) order.push_back(&m);
  std::stable_partition(order.begin(), order.end(),
                        [](const matcher* m) { return !m->matches(""); });
  std::optional<postings> result;
  for (const matcher* m : order) {
    apply(*m, result);
    if (result && result->empty()) break;
  }
  return result ? std::move(*result) : all_;
}

std::vector<std::string> label_index::label_names() const {
  std::vector<std::string> out;
  out.reserve(names_.size());
  for (const auto& [name, values] : names_) out.push_back(name);
  return out;
}

std::vector<std::string> label_index::label_values(std::string_view name) const {
  std::vector<std::string> out;
  if (auto n = names_.find(name); n != names_.end())
    for (const auto& [value, p] : n->second) out.push_back(value);
  return out;
}

std::vector<std::pair<std::string, size_t>> label_index::series_per_value(
    std::string_view name) const {
  std::vector<std::pair<std::string, size_t>> out;
  if (auto n = names_.find(name); n != names_.end())
    for (const auto& [value, p] : n->second) out.emplace_back(value, p.size());
  return out;
}

std::map<std::string, size_t, std::less<>> label_index::value_counts() const {
  std::map<std::string, size_t, std::less<>> out;
  for (const auto& [name, values] : names_) out.emplace(name, values.size());
  return out;
}

}  // namespace vigil::index
